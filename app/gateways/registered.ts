/** The router types Portico speaks: adding one is its driver module and its line here. */
export { coovachilli } from './coovachilli';
export { pfsense } from './pfsense';
export { wifidog } from './wifidog';
