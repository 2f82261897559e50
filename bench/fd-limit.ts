// Open-file limits for large client counts: every connection is a file descriptor in the server (one process) and
// in the load worker that holds it. Node cannot raise its own RLIMIT_NOFILE, so the npm bench scripts raise the soft
// limit to the hard one (`ulimit -Sn $(ulimit -Hn)`) before starting; servers and workers inherit it. Raising the
// hard limit needs root with CAP_SYS_RESOURCE (`ulimit -Hn 120000`, systemd LimitNOFILE=, limits.conf).

import fs from 'node:fs';

/** Descriptors a process uses besides its connections (node, listeners, SQLite, pipes, warm-up clients). */
const SPARE_FDS = 200;

/** This process's RLIMIT_NOFILE (children inherit it). */
export function openFilesLimit(): { soft: number; hard: number } {
  const line = /^Max open files\s+(\S+)\s+(\S+)/m.exec(fs.readFileSync('/proc/self/limits', 'utf8'));
  const num = (v: string | undefined) => (v === undefined || v === 'unlimited' ? Infinity : Number(v));
  return { soft: num(line?.[1]), hard: num(line?.[2]) };
}

/** The descriptors the busiest process of a run needs: the server holds every client, each worker its share. */
export function fdsNeeded(clients: number, workers: number, nodes: number): number {
  return Math.max(Math.ceil(clients / nodes), Math.ceil(clients / Math.max(1, workers))) + SPARE_FDS;
}

/** Why `clients` cannot run under the current limit, or undefined when they can. */
export function fdShortfall(clients: number, workers: number, nodes: number): string | undefined {
  const { soft, hard } = openFilesLimit();
  const need = fdsNeeded(clients, workers, nodes);
  if (need <= soft) return undefined;
  const most = Math.max(0, (soft - SPARE_FDS) * nodes);
  const raise = need <= hard ? `run through npm (its scripts raise the soft limit to ${hard}) or \`ulimit -Sn ${hard}\`` : `needs \`ulimit -n ${need}\` or more; the hard limit here is ${hard}, and raising it needs root with CAP_SYS_RESOURCE (or LimitNOFILE=/limits.conf)`;
  return `${clients} clients need ${need} open files in one process but ulimit -n is ${soft} (at most ~${most} clients): ${raise}`;
}
