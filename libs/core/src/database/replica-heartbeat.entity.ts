import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One row (id 1), stamped with the primary's clock every REPLICA_HEARTBEAT_SECONDS by each
 * process while a read replica is configured. Replicated like any other row, so its age read on
 * the replica bounds how stale the replica's figures are (works with logical replication, where
 * `pg_last_xact_replay_timestamp()` is null).
 */
@Entity('replica_heartbeat')
export class ReplicaHeartbeatEntity {
  @PrimaryColumn({ type: 'smallint' }) id: number;
  @Column({ type: 'timestamptz' }) beatAt: Date;
}
