/** The router types Portico speaks, in the order the owner is offered them: adding one is its driver module and its line here. */
export { pfsense } from './pfsense';
export { wifidog } from './wifidog';
export { coovachilli } from './coovachilli';
export { opennds } from './opennds';
