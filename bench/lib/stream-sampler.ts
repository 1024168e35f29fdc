/**
 * What a streaming level costs, read while it runs: CPU of the servers under test, of PostgreSQL
 * (the backends of the bench's database, and the whole cluster), of the fake model and of this
 * process; the NOTIFY queue's fill (pg_notification_queue_usage, cluster-wide) and the database's
 * backend count, polled every POLL_MS.
 */
import os from 'node:os';
import pg from 'pg';
import { type CpuSnapshot, cpuSecondsBetween, machineCpu, parentOf, snapshot, withChildren } from './process-cpu.js';

const POLL_MS = 250;

/** CPU in cores (CPU seconds per second of the window): 1 is one core busy throughout. */
export interface LevelUsage {
  seconds: number;
  serverCores: number[];
  /** The backends of the bench's database (every pid seen in pg_stat_activity during the window). */
  postgresDatabaseCores: number;
  /** Every process of the PostgreSQL cluster, including other users of a shared server. */
  postgresClusterCores: number;
  fakeModelCores: number;
  benchClientCores: number;
  /** All processes on the machine, of its `cores`. */
  machineBusyCores: number;
  /** Transactions committed in the bench's database per second (each delta batch is one). */
  commitsPerSecond: number;
  notifyQueueUsageMax: number;
  databaseBackendsMax: number;
  loadAverage1m: number;
}

export interface Sampling {
  stop(): Promise<LevelUsage>;
}

export async function startSampling(params: {
  adminUrl: string;
  /** The bench database's name; none for the floor. */
  databaseName?: string;
  serverPids: number[];
  fakeModelPid: number;
}): Promise<Sampling> {
  const client = new pg.Client({ connectionString: params.adminUrl, application_name: 'medchat bench sampler' });
  await client.connect();
  const own = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const postmaster = parentOf(own.rows[0]?.pid ?? 0) ?? 0;
  const fixed = [...params.serverPids, params.fakeModelPid];
  const commits = async () =>
    Number(
      (
        await client.query<{ n: string }>('SELECT xact_commit AS n FROM pg_stat_database WHERE datname = $1', [
          params.databaseName ?? '',
        ])
      ).rows[0]?.n ?? 0,
    );
  const commitsBefore = await commits();
  const before: CpuSnapshot = snapshot([...fixed, ...withChildren(postmaster)]);
  const machineBefore = machineCpu();
  const benchBefore = process.cpuUsage();
  const started = performance.now();
  const databasePids = new Set<number>();
  let queueMax = 0;
  let backendsMax = 0;
  const poll = async () => {
    const { rows } = await client.query<{ usage: number; pids: number[] | null }>(
      `SELECT pg_notification_queue_usage() AS usage,
              (SELECT array_agg(pid) FROM pg_stat_activity WHERE datname = $1) AS pids`,
      [params.databaseName ?? ''],
    );
    const row = rows[0];
    queueMax = Math.max(queueMax, row?.usage ?? 0);
    backendsMax = Math.max(backendsMax, row?.pids?.length ?? 0);
    for (const pid of row?.pids ?? []) databasePids.add(pid);
  };
  let polling: Promise<void> = poll();
  const timer = setInterval(() => {
    polling = polling.then(poll, poll);
  }, POLL_MS);
  return {
    async stop() {
      clearInterval(timer);
      await polling.catch(() => undefined);
      const committed = (await commits()) - commitsBefore;
      await client.end();
      const seconds = (performance.now() - started) / 1000;
      const after = snapshot([...fixed, ...withChildren(postmaster), ...databasePids]);
      const machineAfter = machineCpu();
      const bench = process.cpuUsage(benchBefore);
      const cores = (cpuSeconds: number) => cpuSeconds / seconds;
      return {
        seconds,
        serverCores: params.serverPids.map((pid) => cores(cpuSecondsBetween(before, after, [pid]))),
        postgresDatabaseCores: cores(cpuSecondsBetween(before, after, databasePids)),
        postgresClusterCores: cores(cpuSecondsBetween(before, after, withChildren(postmaster))),
        fakeModelCores: cores(cpuSecondsBetween(before, after, [params.fakeModelPid])),
        benchClientCores: cores((bench.user + bench.system) / 1e6),
        machineBusyCores: cores(machineAfter.busy - machineBefore.busy),
        commitsPerSecond: committed / seconds,
        notifyQueueUsageMax: queueMax,
        databaseBackendsMax: backendsMax,
        loadAverage1m: os.loadavg()[0] ?? 0,
      };
    },
  };
}
