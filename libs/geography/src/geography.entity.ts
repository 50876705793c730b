import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, Unique, UpdateDateColumn, type Relation } from 'typeorm';

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
  /** ONS local authority district (LADyyCD / LADyyNM) from the ONS lookup; null for Beacon-coded wards. */
  @Column({ type: 'varchar', length: 9, nullable: true }) ladCode: string | null;
  @Column({ type: 'varchar', length: 120, nullable: true }) ladName: string | null;
}

/** The ONS ward → local authority lookup as published (every ward of the file, not only the force's). */
@Entity('ons_ward')
export class OnsWardEntity {
  @PrimaryColumn({ type: 'varchar', length: 9 }) code: string;
  @Column({ type: 'varchar', length: 120 }) name: string;
  @Column({ type: 'varchar', length: 9 }) ladCode: string;
  @Column({ type: 'varchar', length: 120 }) ladName: string;
  /** The two-digit year of the file's column prefix (WD24CD → 24). */
  @Column({ type: 'smallint' }) year: number;
}

/** A postcode of the force's wards from the ONS Postcode Directory (ONSPD / NSPL). */
@Entity('postcode')
@Index('idx_postcode_ward', ['wardCode', 'postcode'])
export class PostcodeEntity {
  /** Normalised, e.g. "B27 6QX" (the directory's pcds). */
  @PrimaryColumn({ type: 'varchar', length: 8 }) postcode: string;
  @Column({ type: 'varchar', length: 16 }) wardCode: string;
  @ManyToOne(() => WardEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'ward_code', referencedColumnName: 'code' })
  ward?: Relation<WardEntity>;
  /** Centroid (WGS84); null when the directory has no grid reference. */
  @Column({ type: 'double precision', nullable: true }) lat: number | null;
  @Column({ type: 'double precision', nullable: true }) long: number | null;
  /** First day of the month of doterm: a terminated postcode is kept (people still type it) and marked. */
  @Column({ type: 'date', nullable: true }) terminatedOn: string | null;
}

export const AREA_KINDS = ['impact_area', 'hotspot', 'other'] as const;
export type AreaKind = (typeof AREA_KINDS)[number];

/** A named area of an NPU (an Impact Area, a hotspot list) made of wards and/or neighbourhoods. */
@Entity('area')
@Unique('uq_area_npu_name', ['npuCode', 'name'])
export class AreaEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'varchar', length: 8 }) npuCode: string;
  @ManyToOne(() => NpuEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'npu_code', referencedColumnName: 'code' })
  npu?: Relation<NpuEntity>;
  @Column({ type: 'varchar', length: 120 }) name: string;
  @Column({ type: 'varchar', length: 16, default: 'impact_area' }) kind: AreaKind;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}

@Entity('area_ward')
@Index('idx_area_ward_ward', ['wardCode'])
export class AreaWardEntity {
  @PrimaryColumn({ type: 'uuid' }) areaId: string;
  @ManyToOne(() => AreaEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'area_id' })
  area?: Relation<AreaEntity>;
  @PrimaryColumn({ type: 'varchar', length: 16 }) wardCode: string;
  @ManyToOne(() => WardEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'ward_code', referencedColumnName: 'code' })
  ward?: Relation<WardEntity>;
}

@Entity('area_neighbourhood')
export class AreaNeighbourhoodEntity {
  @PrimaryColumn({ type: 'uuid' }) areaId: string;
  @ManyToOne(() => AreaEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'area_id' })
  area?: Relation<AreaEntity>;
  @PrimaryColumn({ type: 'uuid' }) neighbourhoodId: string;
  @ManyToOne(() => NeighbourhoodEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'neighbourhood_id' })
  neighbourhood?: Relation<NeighbourhoodEntity>;
}

export const GEOGRAPHY_ENTITIES = [NpuEntity, NeighbourhoodEntity, WardEntity, OnsWardEntity, PostcodeEntity, AreaEntity, AreaWardEntity, AreaNeighbourhoodEntity];
