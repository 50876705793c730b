import { StaffEntity } from '@beacon/auth';
import { NpuEntity } from '@beacon/geography';
import { ResidentEntity } from '@beacon/residents';
import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, Unique, UpdateDateColumn, type Relation } from 'typeorm';

export const SURVEY_STATUSES = ['draft', 'pending_approval', 'open', 'closed'] as const;
export type SurveyStatus = (typeof SURVEY_STATUSES)[number];
export const QUESTION_KINDS = ['single_choice', 'multiple_choice', 'scale_5', 'scale_10', 'likert', 'free_text'] as const;
export type QuestionKind = (typeof QUESTION_KINDS)[number];
export const RESPONSE_SOURCES = ['resident', 'public'] as const;
export type ResponseSource = (typeof RESPONSE_SOURCES)[number];

export interface QuestionOption {
  value: string;
  label: string;
}

/** A survey of one NPU (npu_code) or force-wide (NULL: opened only with a second person's approval). */
@Entity('survey')
@Index('idx_survey_npu_created', ['npuCode', 'createdAt'])
@Check('ck_survey_status', `"status" IN ('draft', 'pending_approval', 'open', 'closed')`)
export class SurveyEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'varchar', length: 8, nullable: true }) npuCode: string | null;
  @ManyToOne(() => NpuEntity, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'npu_code', referencedColumnName: 'code' })
  npu?: Relation<NpuEntity>;
  @Column({ type: 'uuid' }) authorId: string;
  @ManyToOne(() => StaffEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'author_id' })
  author?: Relation<StaffEntity>;
  @Column({ type: 'varchar', length: 200 }) title: string;
  @Column({ type: 'varchar', length: 2000, default: '' }) intro: string;
  @Column({ type: 'varchar', length: 20, default: 'draft' }) status: SurveyStatus;
  /** Planned dates: the survey cannot be opened before opens_at and stops taking answers at closes_at. */
  @Column({ type: 'timestamptz', nullable: true }) opensAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) closesAt: Date | null;
  /** Whether the anonymous public link (not tied to a resident, unweighted) takes answers. */
  @Column({ type: 'boolean', default: false }) publicLink: boolean;
  @Column({ type: 'uuid', nullable: true }) approvedBy: string | null;
  @Column({ type: 'timestamptz', nullable: true }) openedAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) closedAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}

/** Questions are fixed when the survey is created, so every answer and counter refers to one wording. */
@Entity('survey_question')
@Unique('uq_survey_question_position', ['surveyId', 'position'])
export class SurveyQuestionEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) surveyId: string;
  @ManyToOne(() => SurveyEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'survey_id' })
  survey?: Relation<SurveyEntity>;
  @Column({ type: 'smallint' }) position: number;
  @Column({ type: 'varchar', length: 20 }) kind: QuestionKind;
  @Column({ type: 'varchar', length: 500 }) text: string;
  /** Choices for choice, scale and Likert questions (value → label); empty for free text. */
  @Column({ type: 'jsonb', default: () => "'[]'" }) options: QuestionOption[];
  @Column({ type: 'boolean', default: false }) required: boolean;
  @Column({ type: 'smallint', default: 1000 }) maxLength: number;
  /** Set on questions from a template (e.g. 'confidence'), so reports find them across surveys. */
  @Column({ type: 'varchar', length: 40, nullable: true }) templateKey: string | null;
}

/**
 * One response per (survey, resident): the unique constraint refuses a second one even under
 * parallel submissions; changing answers updates the row. Public-link responses have no
 * resident. Erasure sets resident_id to NULL, the stratum to 'unknown' and deletes free text (the counters keep the answers).
 */
@Entity('survey_response')
@Unique('uq_survey_response_resident', ['surveyId', 'residentId'])
@Index('idx_survey_response_resident', ['residentId'], { where: 'resident_id IS NOT NULL' })
export class SurveyResponseEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) surveyId: string;
  @ManyToOne(() => SurveyEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'survey_id' })
  survey?: Relation<SurveyEntity>;
  @Column({ type: 'uuid', nullable: true }) residentId: string | null;
  @ManyToOne(() => ResidentEntity, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'resident_id' })
  resident?: Relation<ResidentEntity>;
  @Column({ type: 'varchar', length: 10 }) source: ResponseSource;
  /** The stratum counted in survey_tally (kept so a changed answer moves the same counters). */
  @Column({ type: 'varchar', length: 8 }) npuCode: string;
  @Column({ type: 'varchar', length: 16 }) wardCode: string;
  @Column({ type: 'varchar', length: 20 }) ageBand: string;
  @Column({ type: 'varchar', length: 40 }) ethnicity: string;
  /** questionId → answer: option value(s) or text. */
  @Column({ type: 'jsonb' }) answers: Record<string, string | string[]>;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) erasedAt: Date | null;
}

/**
 * Maintained aggregates: respondents per survey × question × option × stratum (source, NPU,
 * ward, age band, ethnicity), changed in the response's transaction. option '*' counts
 * everyone who answered the question (the base). Results read these, never the responses.
 */
@Entity('survey_tally')
@Check('ck_survey_tally_respondents', '"respondents" >= 0')
export class SurveyTallyEntity {
  @PrimaryColumn({ type: 'uuid' }) surveyId: string;
  @ManyToOne(() => SurveyEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'survey_id' })
  survey?: Relation<SurveyEntity>;
  @PrimaryColumn({ type: 'uuid' }) questionId: string;
  @PrimaryColumn({ type: 'varchar', length: 40 }) option: string;
  @PrimaryColumn({ type: 'varchar', length: 10 }) source: string;
  @PrimaryColumn({ type: 'varchar', length: 8 }) npuCode: string;
  @PrimaryColumn({ type: 'varchar', length: 16 }) wardCode: string;
  @PrimaryColumn({ type: 'varchar', length: 20 }) ageBand: string;
  @PrimaryColumn({ type: 'varchar', length: 40 }) ethnicity: string;
  @Column({ type: 'integer', default: 0 }) respondents: number;
}

export const SURVEY_ENTITIES = [SurveyEntity, SurveyQuestionEntity, SurveyResponseEntity, SurveyTallyEntity];
