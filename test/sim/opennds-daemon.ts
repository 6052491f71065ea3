import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/*
 * Debian's unmodified openNDS 9.10 in network namespaces made here, with the workarounds of
 * ../shared/reference/opennds.md ("Getting the unmodified daemon to run here"):
 *
 *   host  ndsh-host 10.94.0.1/24 (Portico, and the "internet" on port 80), route 10.93.0.0/24 via 10.94.0.2
 *   netns <gw>     ngw-wan 10.94.0.2/24 · ngw-lan 10.93.0.1/24 02:00:00:00:93:01, openNDS on 10.93.0.1:2050
 *   netns <guest>  nguest0 10.93.0.2/24 02:00:00:00:93:02 (the phone)
 *
 * Everything made is removed by stop(), which is safe to call after any failure.
 */

export const rigAddresses = { host: '10.94.0.1', gatewayWan: '10.94.0.2', gatewayLan: '10.93.0.1', phone: '10.93.0.2', phoneMac: '02:00:00:00:93:02' };

/** Why the real daemon cannot run here, or null. */
export function daemonUnavailable(): string | null {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return 'needs root on Linux (network namespaces)';
  for (const file of ['/usr/bin/opennds', '/usr/bin/ndsctl', '/usr/bin/php', '/usr/sbin/ip', '/usr/sbin/nft', '/usr/bin/chromium']) {
    if (!fs.existsSync(file)) return `${file} is missing (.ci/run installs opennds, php-cli, iptables, nftables)`;
  }
  const version = spawnSync('iptables', ['-V'], { encoding: 'utf8' });
  if (!/nf_tables/.test(version.stdout ?? '')) return 'iptables is not the nf_tables variant openNDS 9.10 needs';
  return null;
}

export interface DaemonOptions {
  /** gatewayname, and Portico's gateway id. */
  gatewayName: string;
  fasKey: string;
  level: 1 | 2 | 3;
  fasPort: number;
  fasPath: string;
  /** The global session length, minutes. */
  sessionTimeout: number;
  /** PEM the daemon's PHP trusts for the https FAS (level 3). */
  caPem?: string;
}

const sh = (command: string) => execFileSync('sh', ['-c', command], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
const quietly = (command: string) => spawnSync('sh', ['-c', command], { stdio: 'ignore' });

export class OpenNdsRig {
  readonly gw: string;
  readonly guest: string;
  readonly run: string;
  private daemon: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();

  constructor(tag: string) {
    this.gw = `ndsgw-${tag}`;
    this.guest = `ndsguest-${tag}`;
    this.run = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-opennds-'));
  }

  get logFile(): string {
    return path.join(this.run, 'opennds.log');
  }

  log(): string {
    return fs.existsSync(this.logFile) ? fs.readFileSync(this.logFile, 'utf8') : '';
  }

  /** The namespaces, links and addresses; no NAT anywhere. */
  network(): void {
    const { host, gatewayWan, gatewayLan, phone, phoneMac } = rigAddresses;
    sh([
      `ip netns add ${this.gw}`, `ip netns add ${this.guest}`,
      `ip link add ndsh-host type veth peer name ngw-wan netns ${this.gw}`,
      `ip addr add ${host}/24 dev ndsh-host`, 'ip link set ndsh-host up',
      `ip route add 10.93.0.0/24 via ${gatewayWan}`,
      `ip -n ${this.gw} link add ngw-lan address 02:00:00:00:93:01 type veth peer name nguest0 netns ${this.guest}`,
      `ip -n ${this.guest} link set nguest0 address ${phoneMac}`,
      `ip -n ${this.gw} addr add ${gatewayWan}/24 dev ngw-wan`, `ip -n ${this.gw} addr add ${gatewayLan}/24 dev ngw-lan`,
      `ip -n ${this.gw} link set lo up`, `ip -n ${this.gw} link set ngw-wan up`, `ip -n ${this.gw} link set ngw-lan up`,
      `ip -n ${this.gw} route add default via ${host}`, `ip netns exec ${this.gw} sysctl -qw net.ipv4.ip_forward=1`,
      `ip netns exec ${this.gw} sysctl -qw net.ipv6.conf.all.disable_ipv6=1`,
      `ip -n ${this.guest} addr add ${phone}/24 dev nguest0`, `ip -n ${this.guest} link set lo up`, `ip -n ${this.guest} link set nguest0 up`,
      `ip -n ${this.guest} route add default via ${gatewayLan}`, `ip netns exec ${this.guest} sysctl -qw net.ipv6.conf.all.disable_ipv6=1`,
    ].join(' && '));
  }

  /** The config, shims and private /etc files the daemon finds through `ip netns exec`'s bind mounts of /etc/netns/<gw>/. */
  private prepare(options: DaemonOptions): void {
    const etc = `/etc/netns/${this.gw}`;
    const nds = path.join(etc, 'opennds');
    fs.rmSync(etc, { recursive: true, force: true });
    fs.mkdirSync(path.join(nds, 'bin'), { recursive: true });
    fs.cpSync('/etc/opennds/htdocs', path.join(nds, 'htdocs'), { recursive: true });
    fs.writeFileSync(path.join(etc, 'hosts'), `127.0.0.1 localhost\n${rigAddresses.host} fas.ndstest\n`);
    fs.writeFileSync(path.join(etc, 'resolv.conf'), `nameserver ${rigAddresses.host}\n`);
    // The scripts' systemctl (dnsmasq, opennds restarts) must not reach the host; logger prints to the daemon's stderr.
    fs.writeFileSync(path.join(nds, 'bin', 'systemctl'), '#!/bin/sh\necho "systemctl shim: ignored: $*" >&2\n', { mode: 0o755 });
    fs.writeFileSync(path.join(nds, 'bin', 'logger'), '#!/bin/sh\nwhile [ $# -gt 0 ]; do case "$1" in -p|-t) shift 2;; -*) shift;; *) break;; esac; done\necho "[logger $(date +%T)] $*" >&2\n', { mode: 0o755 });
    if (options.caPem) fs.writeFileSync(path.join(nds, 'ca.pem'), options.caPem);
    // Lower case and each name once: the helper scripts grep this file themselves.
    fs.writeFileSync(path.join(nds, 'opennds.conf'), [
      `gatewayname ${options.gatewayName}`, 'enable_serial_number_suffix 0', 'gatewayinterface ngw-lan', 'gatewayfqdn status.client',
      'login_option_enabled 0', 'dhcp_default_url_enable 0', `fasport ${options.fasPort}`, `fasremoteip ${rigAddresses.host}`,
      `faspath ${options.fasPath}`, `fas_secure_enabled ${options.level}`, `faskey ${options.fasKey}`, `sessiontimeout ${options.sessionTimeout}`,
      'checkinterval 5', ...(options.level === 3 ? ['binauth /usr/lib/opennds/binauth_log.sh'] : []), '#nat_traversal_poll_interval 2',
      'firewallruleset users-to-router {', '  firewallrule allow udp port 53', '  firewallrule allow tcp port 53', '  firewallrule allow udp port 67', '}', '',
    ].join('\n'));
    fs.mkdirSync(path.join(this.run, 'tmp'), { recursive: true });
    // 9.10 serves only clients in a dnsmasq lease file.
    fs.writeFileSync(path.join(this.run, 'tmp', 'dhcp.leases'), `${Math.floor(Date.now() / 1000) + 86400} ${rigAddresses.phoneMac} ${rigAddresses.phone} nguest 01:${rigAddresses.phoneMac}\n`);
    // pre_setup's own -100 priority chains make iptables-nft 1.8.9 fail: standard chains, and the *_LEGACY names taken.
    sh([
      `ip netns exec ${this.gw} nft flush ruleset`, `ip netns exec ${this.gw} nft add table ip filter`,
      ...['INPUT input', 'FORWARD forward', 'OUTPUT output'].map((pair) => {
        const [chain, hook] = pair.split(' ');
        return `ip netns exec ${this.gw} nft add chain ip filter ${chain} '{ type filter hook ${hook} priority 0; policy accept; }'`;
      }),
      `ip netns exec ${this.gw} nft add chain ip filter INPUT_LEGACY`, `ip netns exec ${this.gw} nft add chain ip filter FORWARD_LEGACY`,
    ].join(' && '));
  }

  /** Starts the daemon (foreground, debug log to opennds.log) and resolves once it says it is running. */
  async start(options: DaemonOptions): Promise<void> {
    this.prepare(options);
    const log = fs.openSync(this.logFile, 'a');
    const env = `PATH=/etc/opennds/bin:/usr/sbin:/usr/bin:/sbin:/bin${options.caPem ? ' SSL_CERT_FILE=/etc/opennds/ca.pem' : ''}`;
    // ip netns exec runs it in a mount namespace of its own: /tmp there is the rig's folder.
    this.daemon = spawn('ip', ['netns', 'exec', this.gw, 'sh', '-c',
      `mount --bind ${path.join(this.run, 'tmp')} /tmp && cd / && exec env ${env} opennds -f -d 3 -c /etc/opennds/opennds.conf`],
    { stdio: ['ignore', log, log] });
    fs.closeSync(log);
    const daemon = this.daemon;
    this.exited = new Promise((resolve) => daemon.once('exit', () => resolve()));
    const until = Date.now() + 20_000;
    while (!this.log().includes('openNDS is now running')) {
      if (daemon.exitCode !== null || Date.now() > until) throw new Error(`openNDS did not start:\n${this.log().slice(-3000)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** ndsctl in the daemon's mount namespace (its socket is in the rig's /tmp); retried while another holds the lock (rc 4). */
  async ndsctl(...args: string[]): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      const result = spawnSync('nsenter', ['-t', String(this.daemon?.pid), '-m', '-n', 'ndsctl', ...args], { encoding: 'utf8', timeout: 10_000 });
      if (result.status === 0) return result.stdout;
      if (attempt >= 10) throw new Error(`ndsctl ${args.join(' ')}: rc ${result.status} ${result.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  /** Stops everything the rig made, safe to call after any failure: the daemon, anything left in the namespaces, the namespaces and the files. */
  async stop(): Promise<void> {
    await this.stopDaemon();
    for (const netns of [this.gw, this.guest]) {
      this.killAllIn(netns);
      quietly(`ip netns del ${netns}`);
    }
    quietly('ip link del ndsh-host');
    fs.rmSync(`/etc/netns/${this.gw}`, { recursive: true, force: true });
    fs.rmSync(`/etc/netns/${this.guest}`, { recursive: true, force: true });
    try { fs.rmdirSync('/etc/netns'); } catch { /* other namespaces' files */ }
    fs.rmSync(this.run, { recursive: true, force: true });
  }

  /** Only processes inside the rig's own namespaces: authmon and its sleeps after the daemon, a stray browser. */
  private killAllIn(netns: string): void {
    const pids = spawnSync('ip', ['netns', 'pids', netns], { encoding: 'utf8' }).stdout?.split(/\s+/).filter(Boolean) ?? [];
    for (const pid of pids) {
      try { process.kill(Number(pid), 'SIGKILL'); } catch { /* gone already */ }
    }
  }

  /** Stops the daemon (SIGTERM: it deauths everyone and removes its rules), then whatever it left running in its namespace. */
  async stopDaemon(): Promise<void> {
    if (this.daemon && this.daemon.exitCode === null && this.daemon.signalCode === null) {
      this.daemon.kill('SIGTERM');
      const timer = setTimeout(() => this.daemon?.kill('SIGKILL'), 8_000);
      await this.exited;
      clearTimeout(timer);
    }
    this.daemon = null;
    this.killAllIn(this.gw);
  }

  /** A script that runs Chromium inside the phone's namespace, for playwright's executablePath. */
  chromiumInGuest(): string {
    const file = path.join(this.run, 'chromium-in-guest');
    fs.writeFileSync(file, `#!/bin/sh\nexec ip netns exec ${this.guest} /usr/bin/chromium "$@"\n`, { mode: 0o755 });
    return file;
  }

  /** curl-like plain GET from the phone's namespace: status and body, without following redirects. */
  fromPhone(url: string): { status: number; location: string; body: string } {
    const script = `const http=require('http');http.get(${JSON.stringify(url)},{timeout:5000},(r)=>{let b='';r.on('data',(c)=>b+=c);r.on('end',()=>{console.log(JSON.stringify({status:r.statusCode,location:r.headers.location||'',body:b.slice(0,2000)}))})}).on('error',(e)=>{console.log(JSON.stringify({status:0,location:'',body:e.code||e.message}))})`;
    const out = execFileSync('ip', ['netns', 'exec', this.guest, process.execPath, '-e', script], { encoding: 'utf8', timeout: 15_000 });
    return JSON.parse(out) as { status: number; location: string; body: string };
  }
}
