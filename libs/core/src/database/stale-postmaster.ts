import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readlinkSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Beside postmaster.pid: the process that started this cluster (so a later start can tell an orphan from a live owner). */
const OWNER_FILE = 'beacon-owner.pid';

interface ProcessInfo {
  name: string;
  ppid: number;
  /** PostgreSQL runs in its data directory; undefined where that cannot be read. */
  cwd?: string;
  exited: boolean;
}

/** 'dead', 'foreign' (another user's: signals are refused) or what the OS says about it. */
function inspectProcess(pid: number): 'dead' | 'foreign' | ProcessInfo {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? 'foreign' : 'dead';
  }
  if (existsSync('/proc/self/stat')) {
    try {
      // "pid (comm) state ppid …"; comm may itself contain ") ".
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const [state, ppid] = stat.slice(close + 2).split(' ');
      let cwd: string | undefined;
      try {
        cwd = readlinkSync(`/proc/${pid}/cwd`);
      } catch {
        cwd = undefined;
      }
      return { name: stat.slice(stat.indexOf('(') + 1, close), ppid: Number(ppid), cwd, exited: state === 'Z' || state === 'X' };
    } catch {
      return 'dead';
    }
  }
  try {
    const [ppid, state, ...command] = execFileSync('ps', ['-o', 'ppid=,state=,comm=', '-p', String(pid)], { encoding: 'utf8' }).trim().split(/\s+/);
    return { name: command.join(' ').split('/').pop()!, ppid: Number(ppid), exited: state.startsWith('Z') };
  } catch {
    return 'dead';
  }
}

const isGone = (pid: number) => {
  const p = inspectProcess(pid);
  return p === 'dead' || (p !== 'foreign' && p.exited);
};

async function waitForExit(pid: number, ms: number): Promise<boolean> {
  for (const until = Date.now() + ms; Date.now() < until; ) {
    if (isGone(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return isGone(pid);
}

function readOwner(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dataDir, OWNER_FILE), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function recordOwner(dataDir: string): void {
  writeFileSync(join(dataDir, OWNER_FILE), `${process.pid}\n`);
}

export function forgetOwner(dataDir: string): void {
  rmSync(join(dataDir, OWNER_FILE), { force: true });
}

/**
 * Before starting the embedded PostgreSQL: deal with a postmaster.pid left by an earlier run.
 * - its PID is gone, or is now some other program (PIDs are reused after a reboot): the file is
 *   stale and is removed;
 * - it is a postgres on this data directory whose starter died (kill -9, crash: the postmaster
 *   lives on as an orphan): it is stopped cleanly, as `pg_ctl stop -m fast` would (SIGINT, wait),
 *   and the start carries on;
 * - it is a postgres still owned by a running process, or another user's process: nothing is
 *   touched and the error says what to do.
 */
export async function clearStalePostmaster(dataDir: string, log: (line: string) => void = () => undefined): Promise<void> {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const [first, fileDataDir] = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(first);
  const here = realpathSync(dataDir);
  const removeStale = (why: string) => {
    log(`Removing stale ${pidFile}: ${why}`);
    rmSync(pidFile, { force: true });
  };
  if (!Number.isInteger(pid) || pid <= 0) return removeStale('it names no process');
  const proc = inspectProcess(pid);
  if (proc === 'dead' || (proc !== 'foreign' && proc.exited)) return removeStale(`PID ${pid} is not running`);
  if (proc === 'foreign') {
    throw new Error(
      `${pidFile} names PID ${pid}, a process of another user. If it is a PostgreSQL on ${here}, stop it ` +
        `(pg_ctl stop -D ${here}, as its owner); if it is not, delete ${pidFile}. Then start Beacon again.`,
    );
  }
  const onThisDir = proc.cwd !== undefined ? proc.cwd === here : fileDataDir === here || fileDataDir === dataDir;
  if (!/^postgres|^postmaster/.test(proc.name) || !onThisDir) return removeStale(`PID ${pid} is now ${proc.name}, not PostgreSQL on this data directory`);

  const owner = readOwner(dataDir);
  // The starter is still its parent (an orphan is re-parented to init or a subreaper); with no
  // record of the starter, only a postmaster re-parented to init counts as an orphan.
  const ownerAlive = owner !== undefined ? proc.ppid === owner : proc.ppid !== 1;
  if (ownerAlive) {
    const starter = owner ?? proc.ppid;
    throw new Error(
      `PostgreSQL is already running on ${here} (PID ${pid}), started by process ${starter}, which is still running` +
        `${starter === process.pid ? ' (this one)' : ''}. Stop that Beacon first (Ctrl+C in its terminal, or kill ${starter}), ` +
        `or give this one another DATA_DIR.`,
    );
  }
  log(`PostgreSQL (PID ${pid}) is still running on ${here} from a run that ended without stopping it: stopping it`);
  process.kill(pid, 'SIGINT'); // fast shutdown: rolls back open transactions, checkpoints, exits
  if (!(await waitForExit(pid, 60_000))) {
    process.kill(pid, 'SIGQUIT'); // immediate shutdown: recovery runs at the next start
    if (!(await waitForExit(pid, 10_000))) throw new Error(`PostgreSQL (PID ${pid}) on ${here} did not stop; stop it (kill ${pid}) and start Beacon again`);
  }
  if (existsSync(pidFile)) removeStale(`PID ${pid} has stopped`);
}
