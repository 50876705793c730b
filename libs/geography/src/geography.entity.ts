import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, Unique, type Relation } from 'typeorm';

/** Neighbourhood Policing Unit, e.g. BE = Birmingham East. */
@Entity('npu')
export class NpuEntity {
  @PrimaryColumn({ type: 'varchar', length: 8 }) code: string;
  @Column({ type: 'varchar', length: 120 }) name: string;
}

@Entity('neighbourhood')
@Unique('uq_neighbourhood_npu_name', ['npuCode', 'name'])
export class NeighbourhoodEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'varchar', length: 8 }) npuCode: string;
  @ManyToOne(() => NpuEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'npu_code', referencedColumnName: 'code' })
  npu?: Relation<NpuEntity>;
  @Column({ type: 'varchar', length: 120 }) name: string;
}

@Entity('ward')
@Index('idx_ward_npu', ['npuCode'])
@Index('idx_ward_neighbourhood', ['neighbourhoodId'])
export class WardEntity {
  @PrimaryColumn({ type: 'varchar', length: 16 }) code: string;
  @Column({ type: 'varchar', length: 120 }) name: string;
  @Column({ type: 'varchar', length: 8 }) npuCode: string;
  @ManyToOne(() => NpuEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'npu_code', referencedColumnName: 'code' })
  npu?: Relation<NpuEntity>;
  @Column({ type: 'uuid' }) neighbourhoodId: string;
  @ManyToOne(() => NeighbourhoodEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'neighbourhood_id' })
  neighbourhood?: Relation<NeighbourhoodEntity>;
  @Column({ type: 'integer', default: 0 }) population: number;
}

export const GEOGRAPHY_ENTITIES = [NpuEntity, NeighbourhoodEntity, WardEntity];
