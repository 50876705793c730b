import type { MigrationInterface, QueryRunner } from 'typeorm';

// The schema as the first 22 migrations (Initial1795399254187 … StaffMfa1796219190002) left it,
// squashed once before the first release (issue 15): `pg_dump --schema-only` of a database they had
// migrated, with the SET lines, comments and extension comments taken out, plus the one row of
// reference data they wrote (scheme types). test/foundation.e2e-spec.ts's drift check proves the
// entities still match it. Append-only from here: a schema change is a new migration.
//
// A database that already ran those 22 (a development copy made before the squash) is left as it
// is: its rows for them are replaced by this one. One stopped between them is refused.
export const SQUASHED = [
  'Initial1795399254187',
  'Residents1795399401568',
  'Schemes1795399769475',
  'Cadets1795399795730',
  'Funding1795399947165',
  'Messaging1795400139358',
  'ResidentSearch1795400272376',
  'Engagement1795401025017',
  'Reports1795402117457',
  'ReportStats1795406003289',
  'DeliveryCursor1795410667256',
  'PatrolCancel1795412296755',
  'Imports1796011180650',
  'ResidentAddressClaims1796011406021',
  'StaffSession1796016100000',
  'MoneyBigint1796022714001',
  'SchemeConsent1796022714002',
  'Surveys1796081420318',
  'ReportRefresh1796215150000',
  'OnsGeography1796217170001',
  'StaffOidc1796219190001',
  'StaffMfa1796219190002',
];

export class Baseline1796300000000 implements MigrationInterface {
  name = 'Baseline1796300000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const ran = (await queryRunner.query(`SELECT name FROM migrations WHERE name = ANY($1)`, [SQUASHED])) as { name: string }[];
    if (ran.length === SQUASHED.length) {
      await queryRunner.query(`DELETE FROM migrations WHERE name = ANY($1)`, [SQUASHED]);
      return;
    }
    if (ran.length > 0) {
      throw new Error(
        `This database ran ${ran.length} of the ${SQUASHED.length} migrations squashed into ${this.name} (last: ${ran.at(-1)!.name}). ` +
          'Finish them with the release before the squash (git checkout 0ffd202; npm run migration:run), then upgrade.',
      );
    }
    await queryRunner.query(BASELINE);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS public.area, public.area_neighbourhood, public.area_ward, public.audit_event, public.bid, public.bid_evaluation, public.bid_payment, public.bid_vote, public.cadet_attendance, public.cadet_member, public.cadet_session, public.cadet_unit, public.data_import, public.delivery, public.delivery_cursor, public.fund, public.import_rejection, public.message, public.message_channel_health, public.message_engagement, public.neighbourhood, public.npu, public.ons_ward, public.patrol, public.patrol_report, public.patrol_volunteer, public.population_share, public.postcode, public.rating, public.reply, public.reply_response, public.report_refresh, public.resident, public.resident_channel, public.resident_import, public.resident_interest, public.resident_month_stats, public.resident_profile_stats, public.resident_sms_code, public.resident_topic, public.resident_ward_move, public.scheme, public.scheme_invitation, public.scheme_member, public.scheme_target, public.scheme_type, public.staff, public.staff_recovery_code, public.staff_session, public.survey, public.survey_question, public.survey_response, public.survey_tally, public.voting_ballot, public.voting_round, public.voting_round_bid, public.ward CASCADE`);
  }
}

const BASELINE = `
CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public;

CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;

CREATE TABLE public.area (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    npu_code character varying(8) NOT NULL,
    name character varying(120) NOT NULL,
    kind character varying(16) DEFAULT 'impact_area'::character varying NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL
);

CREATE TABLE public.area_neighbourhood (
    area_id uuid NOT NULL,
    neighbourhood_id uuid NOT NULL
);

CREATE TABLE public.area_ward (
    area_id uuid NOT NULL,
    ward_code character varying(16) NOT NULL
);

CREATE TABLE public.audit_event (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    actor text NOT NULL,
    action text NOT NULL,
    subject text NOT NULL,
    at timestamp with time zone DEFAULT now() NOT NULL,
    data jsonb DEFAULT '{}'::jsonb NOT NULL
);

CREATE TABLE public.bid (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    npu_code character varying(8) NOT NULL,
    financial_year character varying(7) NOT NULL,
    applicant_name character varying(120) NOT NULL,
    applicant_type character varying(12) NOT NULL,
    contact_email character varying(254) NOT NULL,
    title character varying(200) NOT NULL,
    summary character varying(5000) NOT NULL,
    theme character varying(30) NOT NULL,
    amount_requested_pence bigint NOT NULL,
    amount_awarded_pence bigint,
    paid_pence bigint DEFAULT 0 NOT NULL,
    status character varying(16) DEFAULT 'submitted'::character varying NOT NULL,
    aligned_staff_id uuid,
    decided_by_id uuid,
    decided_at timestamp with time zone,
    decision_reason character varying(1000),
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT ck_bid_awarded CHECK (((amount_awarded_pence IS NULL) OR ((amount_awarded_pence > 0) AND (amount_awarded_pence <= amount_requested_pence)))),
    CONSTRAINT ck_bid_paid CHECK (((paid_pence >= 0) AND (paid_pence <= COALESCE(amount_awarded_pence, (0)::bigint)))),
    CONSTRAINT ck_bid_requested CHECK ((amount_requested_pence > 0)),
    CONSTRAINT ck_bid_status CHECK ((status IN ('submitted', 'under_review', 'approved', 'rejected', 'withdrawn', 'completed')))
);

CREATE TABLE public.bid_evaluation (
    bid_id uuid NOT NULL,
    outcome character varying(20) NOT NULL,
    notes character varying(5000) NOT NULL,
    evaluated_by_id uuid NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);

CREATE TABLE public.bid_payment (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    bid_id uuid NOT NULL,
    amount_pence bigint NOT NULL,
    paid_on date NOT NULL,
    recorded_by_id uuid NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT ck_bid_payment_amount CHECK ((amount_pence > 0))
);

CREATE TABLE public.bid_vote (
    bid_id uuid NOT NULL,
    resident_id uuid NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);

CREATE TABLE public.cadet_attendance (
    session_id uuid NOT NULL,
    member_id uuid NOT NULL
);

CREATE TABLE public.cadet_member (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    unit_id uuid NOT NULL,
    first_name character varying(80) NOT NULL,
    last_name character varying(80) NOT NULL,
    date_of_birth date NOT NULL,
    guardian_name character varying(120),
    guardian_phone character varying(16),
    role character varying(12) NOT NULL,
    joined_at timestamp with time zone DEFAULT now() NOT NULL,
    left_at timestamp with time zone,
    CONSTRAINT ck_cadet_member_role CHECK ((role IN ('cadet', 'junior_pcso', 'leader')))
);

CREATE TABLE public.cadet_session (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    unit_id uuid NOT NULL,
    held_on date NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);

CREATE TABLE public.cadet_unit (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    npu_code character varying(8) NOT NULL,
    name character varying(120) NOT NULL,
    kind character varying(12) NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT ck_cadet_unit_kind CHECK ((kind IN ('cadets', 'junior_pcso')))
);

CREATE TABLE public.data_import (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    kind character varying(16) NOT NULL,
    status character varying(16) NOT NULL,
    npu_code character varying(8),
    created_by uuid NOT NULL,
    committed_by uuid,
    mapping character varying(40) NOT NULL,
    file_sha256 character varying(64) NOT NULL,
    file_bytes bigint NOT NULL,
    rows integer NOT NULL,
    accepted integer NOT NULL,
    rejected integer NOT NULL,
    duplicates integer NOT NULL,
    matched integer NOT NULL,
    result jsonb,
    error character varying(500),
    committed_at timestamp with time zone,
    purged_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL
);

CREATE TABLE public.delivery (
    id bigint NOT NULL,
    message_id uuid NOT NULL,
    resident_id uuid NOT NULL,
    channel character varying(8) NOT NULL,
    status character varying(10) DEFAULT 'queued'::character varying NOT NULL,
    provider_id character varying(120),
    attempts smallint DEFAULT '0'::smallint NOT NULL,
    last_error character varying(500),
    not_before timestamp with time zone,
    claimed_at timestamp with time zone,
    sent_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL
);

CREATE TABLE public.delivery_cursor (
    message_id uuid NOT NULL,
    channel character varying(8) NOT NULL,
    part smallint NOT NULL,
    parts smallint NOT NULL,
    after_resident uuid NOT NULL,
    last_resident uuid NOT NULL,
    inserted integer DEFAULT 0 NOT NULL,
    exhausted boolean DEFAULT false NOT NULL
);

ALTER TABLE public.delivery ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.delivery_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1000
);

CREATE TABLE public.fund (
    npu_code character varying(8) NOT NULL,
    financial_year character varying(7) NOT NULL,
    budget_pence bigint NOT NULL,
    allocated_pence bigint DEFAULT 0 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT ck_fund_allocated CHECK (((allocated_pence >= 0) AND (allocated_pence <= budget_pence))),
    CONSTRAINT ck_fund_budget CHECK ((budget_pence >= 0))
);

CREATE TABLE public.import_rejection (
    import_id uuid NOT NULL,
    line integer NOT NULL,
    reason character varying(300) NOT NULL,
    raw jsonb
);

CREATE UNLOGGED TABLE public.import_resident_row (
    import_id uuid NOT NULL,
    line integer NOT NULL,
    invalid_reason character varying(300),
    raw jsonb,
    outcome character varying(12),
    reason character varying(300),
    resident_id uuid,
    match_by character varying(8),
    email character varying(254),
    phone character varying(16),
    first_name character varying(80),
    last_name character varying(80),
    postcode character varying(10),
    ward_code character varying(16),
    channels character varying[],
    topics character varying[],
    interests character varying[],
    consent_at timestamp with time zone,
    signed_up_at timestamp with time zone,
    email_verified boolean,
    phone_verified boolean,
    source_system character varying(40),
    age_band character varying(20),
    ethnicity character varying(40),
    language character varying(40)
);

CREATE TABLE public.message (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    author_id uuid NOT NULL,
    npu_code character varying(8),
    title character varying(200) NOT NULL,
    body text NOT NULL,
    category character varying(40) NOT NULL,
    priority character varying(12) DEFAULT 'standard'::character varying NOT NULL,
    channels character varying[] NOT NULL,
    audience jsonb NOT NULL,
    ward_codes character varying[] DEFAULT '{}'::character varying[] NOT NULL,
    status character varying(20) DEFAULT 'draft'::character varying NOT NULL,
    scheduled_at timestamp with time zone,
    send_requested_at timestamp with time zone,
    sent_at timestamp with time zone,
    recipient_count integer,
    approved_by uuid,
    approved_at timestamp with time zone,
    paused_reason character varying(300),
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    survey_id uuid
);

CREATE TABLE public.message_channel_health (
    message_id uuid NOT NULL,
    channel character varying(8) NOT NULL,
    consecutive_errors integer DEFAULT 0 NOT NULL
);

CREATE TABLE public.message_engagement (
    message_id uuid NOT NULL,
    ratings integer DEFAULT 0 NOT NULL,
    score_sum bigint DEFAULT '0'::bigint NOT NULL,
    replies integer DEFAULT 0 NOT NULL,
    refreshed_at timestamp with time zone DEFAULT now() NOT NULL
);

CREATE TABLE public.neighbourhood (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    npu_code character varying(8) NOT NULL,
    name character varying(120) NOT NULL
);

CREATE TABLE public.npu (
    code character varying(8) NOT NULL,
    name character varying(120) NOT NULL
);

CREATE TABLE public.ons_ward (
    code character varying(9) NOT NULL,
    name character varying(120) NOT NULL,
    lad_code character varying(9) NOT NULL,
    lad_name character varying(120) NOT NULL,
    year smallint NOT NULL
);

CREATE TABLE public.patrol (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    scheme_id uuid NOT NULL,
    starts_at timestamp with time zone NOT NULL,
    ends_at timestamp with time zone NOT NULL,
    route character varying(2000) NOT NULL,
    created_by character varying(60) NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    status character varying(10) DEFAULT 'planned'::character varying NOT NULL,
    cancelled_at timestamp with time zone,
    cancelled_by character varying(60),
    cancel_reason character varying(500),
    CONSTRAINT ck_patrol_cancellation CHECK (((((status)::text = 'cancelled'::text) = ((cancelled_at IS NOT NULL) AND (cancelled_by IS NOT NULL))) AND (((status)::text = 'cancelled'::text) OR (cancel_reason IS NULL)))),
    CONSTRAINT ck_patrol_status CHECK ((status IN ('planned', 'cancelled'))),
    CONSTRAINT ck_patrol_times CHECK ((starts_at < ends_at))
);

CREATE TABLE public.patrol_report (
    patrol_id uuid NOT NULL,
    observations character varying(5000) NOT NULL,
    reported_by character varying(60) NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);

CREATE TABLE public.patrol_volunteer (
    patrol_id uuid NOT NULL,
    resident_id uuid NOT NULL,
    during tstzrange NOT NULL,
    cancelled boolean DEFAULT false NOT NULL
);

CREATE TABLE public.population_share (
    area_code character varying(16) NOT NULL,
    dimension character varying(20) NOT NULL,
    category character varying(40) NOT NULL,
    share_percent numeric(5,2) NOT NULL
);

CREATE TABLE public.postcode (
    postcode character varying(8) NOT NULL,
    ward_code character varying(16) NOT NULL,
    lat double precision,
    long double precision,
    terminated_on date
);

CREATE UNLOGGED TABLE public.rate_limit_bucket (
    key text NOT NULL,
    window_start timestamp with time zone NOT NULL,
    hits integer NOT NULL
);

CREATE TABLE public.rating (
    message_id uuid NOT NULL,
    resident_id uuid NOT NULL,
    score smallint NOT NULL,
    comment character varying(1000),
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT ck_rating_score CHECK (((score >= 1) AND (score <= 6)))
);

CREATE TABLE public.reply (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    message_id uuid,
    resident_id uuid NOT NULL,
    body character varying(2000) NOT NULL,
    via character varying(8) NOT NULL,
    status character varying(10) DEFAULT 'open'::character varying NOT NULL,
    npu_code character varying(8) NOT NULL,
    provider_id character varying(64),
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT ck_reply_status CHECK ((status IN ('open', 'answered', 'closed'))),
    CONSTRAINT ck_reply_via CHECK ((via IN ('web', 'sms', 'email')))
);

CREATE TABLE public.reply_response (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    reply_id uuid NOT NULL,
    staff_id uuid NOT NULL,
    body character varying(1500) NOT NULL,
    channel character varying(8) NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT ck_reply_response_channel CHECK ((channel IN ('email', 'sms')))
);

CREATE TABLE public.report_refresh (
    name character varying(40) NOT NULL,
    refreshed_at timestamp with time zone NOT NULL
);

CREATE TABLE public.resident (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    email character varying(254),
    phone_e164 character varying(16),
    first_name character varying(80),
    last_name character varying(80),
    postcode character varying(10),
    ward_code character varying(16) NOT NULL,
    status character varying(16) DEFAULT 'pending'::character varying NOT NULL,
    email_verified_at timestamp with time zone,
    phone_verified_at timestamp with time zone,
    activated_at timestamp with time zone,
    left_at timestamp with time zone,
    source character varying(20),
    campaign_code character varying(40),
    age_band character varying(20),
    ethnicity character varying(40),
    language character varying(40),
    quiet_start time without time zone,
    quiet_end time without time zone,
    consent_at timestamp with time zone NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    erased_at timestamp with time zone,
    postcode_lat double precision,
    postcode_long double precision
);

CREATE TABLE public.resident_channel (
    resident_id uuid NOT NULL,
    channel character varying(8) NOT NULL,
    enabled boolean DEFAULT true NOT NULL,
    min_priority character varying(12) DEFAULT 'information'::character varying NOT NULL,
    suspended_at timestamp with time zone,
    suspended_reason character varying(200)
);

CREATE TABLE public.resident_import (
    resident_id uuid NOT NULL,
    import_id uuid NOT NULL,
    source_system character varying(40) NOT NULL,
    signed_up_at timestamp with time zone,
    created boolean NOT NULL,
    imported_at timestamp with time zone DEFAULT now() NOT NULL
);

CREATE TABLE public.resident_interest (
    resident_id uuid NOT NULL,
    interest_group character varying(40) NOT NULL
);

CREATE TABLE public.resident_month_stats (
    ward_code character varying(16) NOT NULL,
    month date NOT NULL,
    joined integer DEFAULT 0 NOT NULL,
    "left" integer DEFAULT 0 NOT NULL
);

CREATE TABLE public.resident_profile_stats (
    ward_code character varying(16) NOT NULL,
    dimension character varying(20) NOT NULL,
    category character varying(40) NOT NULL,
    subscribers integer DEFAULT 0 NOT NULL
);

CREATE TABLE public.resident_sms_code (
    resident_id uuid NOT NULL,
    code_hash text NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    attempts smallint DEFAULT '0'::smallint NOT NULL
);

CREATE TABLE public.resident_topic (
    resident_id uuid NOT NULL,
    topic character varying(40) NOT NULL
);

CREATE TABLE public.resident_ward_move (
    id bigint NOT NULL,
    resident_id uuid,
    from_ward character varying(16) NOT NULL,
    to_ward character varying(16) NOT NULL,
    moved_at timestamp with time zone DEFAULT now() NOT NULL
);

ALTER TABLE public.resident_ward_move ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.resident_ward_move_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.scheme (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    type character varying(30) NOT NULL,
    name character varying(120) NOT NULL,
    ward_code character varying(16) NOT NULL,
    coordinator_resident_id uuid,
    status character varying(10) DEFAULT 'active'::character varying NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT ck_scheme_status CHECK ((status IN ('active', 'closed')))
);

CREATE TABLE public.scheme_invitation (
    scheme_id uuid NOT NULL,
    resident_id uuid NOT NULL,
    invited_by character varying(60) NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);

CREATE TABLE public.scheme_member (
    scheme_id uuid NOT NULL,
    resident_id uuid NOT NULL,
    joined_at timestamp with time zone DEFAULT now() NOT NULL,
    consent character varying(20),
    consent_recorded_by character varying(60)
);

CREATE TABLE public.scheme_target (
    npu_code character varying(8) NOT NULL,
    type character varying(30) NOT NULL,
    target integer NOT NULL,
    due_date date NOT NULL,
    set_by character varying(60) NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT ck_scheme_target_non_negative CHECK ((target >= 0))
);

CREATE TABLE public.scheme_type (
    code character varying(30) NOT NULL,
    name character varying(80) NOT NULL
);

CREATE TABLE public.staff (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    email character varying(254) NOT NULL,
    password_hash text,
    name character varying(120) NOT NULL,
    role character varying(20) NOT NULL,
    npu_code character varying(8),
    active boolean DEFAULT true NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    oidc_subject character varying(400),
    totp_secret text,
    totp_enabled_at timestamp with time zone,
    totp_last_step bigint
);

CREATE TABLE public.staff_recovery_code (
    staff_id uuid NOT NULL,
    code_hash character(64) NOT NULL,
    used_at timestamp with time zone
);

CREATE TABLE public.staff_session (
    id_hash character(64) NOT NULL,
    staff_id uuid NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    last_seen_at timestamp with time zone NOT NULL,
    ip character varying(64),
    user_agent character varying(300),
    revoked_at timestamp with time zone,
    pending_mfa boolean DEFAULT false NOT NULL
);

CREATE TABLE public.survey (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    npu_code character varying(8),
    author_id uuid NOT NULL,
    title character varying(200) NOT NULL,
    intro character varying(2000) DEFAULT ''::character varying NOT NULL,
    status character varying(20) DEFAULT 'draft'::character varying NOT NULL,
    opens_at timestamp with time zone,
    closes_at timestamp with time zone,
    public_link boolean DEFAULT false NOT NULL,
    approved_by uuid,
    opened_at timestamp with time zone,
    closed_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT ck_survey_status CHECK ((status IN ('draft', 'pending_approval', 'open', 'closed')))
);

CREATE TABLE public.survey_question (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    survey_id uuid NOT NULL,
    "position" smallint NOT NULL,
    kind character varying(20) NOT NULL,
    text character varying(500) NOT NULL,
    options jsonb DEFAULT '[]'::jsonb NOT NULL,
    required boolean DEFAULT false NOT NULL,
    max_length smallint DEFAULT '1000'::smallint NOT NULL,
    template_key character varying(40)
);

CREATE TABLE public.survey_response (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    survey_id uuid NOT NULL,
    resident_id uuid,
    source character varying(10) NOT NULL,
    npu_code character varying(8) NOT NULL,
    ward_code character varying(16) NOT NULL,
    age_band character varying(20) NOT NULL,
    ethnicity character varying(40) NOT NULL,
    answers jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    erased_at timestamp with time zone
);

CREATE TABLE public.survey_tally (
    survey_id uuid NOT NULL,
    question_id uuid NOT NULL,
    option character varying(40) NOT NULL,
    source character varying(10) NOT NULL,
    npu_code character varying(8) NOT NULL,
    ward_code character varying(16) NOT NULL,
    age_band character varying(20) NOT NULL,
    ethnicity character varying(40) NOT NULL,
    respondents integer DEFAULT 0 NOT NULL,
    CONSTRAINT ck_survey_tally_respondents CHECK ((respondents >= 0))
);

CREATE TABLE public.voting_ballot (
    round_id uuid NOT NULL,
    resident_id uuid NOT NULL,
    cast_at timestamp with time zone DEFAULT now() NOT NULL
);

CREATE TABLE public.voting_round (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    npu_code character varying(8) NOT NULL,
    financial_year character varying(7) NOT NULL,
    opens_at timestamp with time zone NOT NULL,
    closes_at timestamp with time zone NOT NULL,
    max_votes_per_resident smallint NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT ck_voting_round_dates CHECK ((closes_at > opens_at)),
    CONSTRAINT ck_voting_round_max_votes CHECK ((max_votes_per_resident >= 1))
);

CREATE TABLE public.voting_round_bid (
    round_id uuid NOT NULL,
    bid_id uuid NOT NULL
);

CREATE TABLE public.ward (
    code character varying(16) NOT NULL,
    name character varying(120) NOT NULL,
    npu_code character varying(8) NOT NULL,
    neighbourhood_id uuid NOT NULL,
    population integer DEFAULT 0 NOT NULL,
    lad_code character varying(9),
    lad_name character varying(120)
);

ALTER TABLE ONLY public.area_neighbourhood
    ADD CONSTRAINT "PK_028cf4d80693cb0908c21cd4a9f" PRIMARY KEY (area_id, neighbourhood_id);

ALTER TABLE ONLY public.ons_ward
    ADD CONSTRAINT "PK_0eb04c6cf913f4048ff17e58406" PRIMARY KEY (code);

ALTER TABLE ONLY public.resident_ward_move
    ADD CONSTRAINT "PK_0fce7ff71ba6d632106f60a2ea0" PRIMARY KEY (id);

ALTER TABLE ONLY public.resident_channel
    ADD CONSTRAINT "PK_1186da15c42a248057455a4b9df" PRIMARY KEY (resident_id, channel);

ALTER TABLE ONLY public.reply_response
    ADD CONSTRAINT "PK_127dd8a600af666bcb939aae2c1" PRIMARY KEY (id);

ALTER TABLE ONLY public.resident_month_stats
    ADD CONSTRAINT "PK_136812ced779e33a6c07f402284" PRIMARY KEY (ward_code, month);

ALTER TABLE ONLY public.ward
    ADD CONSTRAINT "PK_14bd787455693efede59d248a7d" PRIMARY KEY (code);

ALTER TABLE ONLY public.patrol_volunteer
    ADD CONSTRAINT "PK_23cbc320b06e73790ada8213737" PRIMARY KEY (patrol_id, resident_id);

ALTER TABLE ONLY public.message_channel_health
    ADD CONSTRAINT "PK_2642f5a8f8139b8d636f520033b" PRIMARY KEY (message_id, channel);

ALTER TABLE ONLY public.rate_limit_bucket
    ADD CONSTRAINT "PK_297f92caac7bd103dfaf6d95490" PRIMARY KEY (key, window_start);

ALTER TABLE ONLY public.scheme_member
    ADD CONSTRAINT "PK_2eed54142a9db1c5395dc3f803c" PRIMARY KEY (scheme_id, resident_id);

ALTER TABLE ONLY public.scheme_type
    ADD CONSTRAINT "PK_2f4323024c564eab3e47e406bbe" PRIMARY KEY (code);

ALTER TABLE ONLY public.area
    ADD CONSTRAINT "PK_39d5e4de490139d6535d75f42ff" PRIMARY KEY (id);

ALTER TABLE ONLY public.bid_evaluation
    ADD CONSTRAINT "PK_46b0e6211a7543237c9ec0f0446" PRIMARY KEY (bid_id);

ALTER TABLE ONLY public.message_engagement
    ADD CONSTRAINT "PK_47c20e049b82ce3e5de15681e51" PRIMARY KEY (message_id);

ALTER TABLE ONLY public.audit_event
    ADD CONSTRAINT "PK_481efbe8b0a403efe3f47a6528f" PRIMARY KEY (id);

ALTER TABLE ONLY public.cadet_unit
    ADD CONSTRAINT "PK_57aa7d992f8d617c2fdc9e18d28" PRIMARY KEY (id);

ALTER TABLE ONLY public.resident_sms_code
    ADD CONSTRAINT "PK_6aee978d55adaedc28538942118" PRIMARY KEY (resident_id);

ALTER TABLE ONLY public.voting_round_bid
    ADD CONSTRAINT "PK_71ea12f90d6cd44590eddfef362" PRIMARY KEY (round_id, bid_id);

ALTER TABLE ONLY public.data_import
    ADD CONSTRAINT "PK_755c3a88694c220eb49d8baccf1" PRIMARY KEY (id);

ALTER TABLE ONLY public.scheme
    ADD CONSTRAINT "PK_76643bf1d7e629d8bc8af8ac917" PRIMARY KEY (id);

ALTER TABLE ONLY public.neighbourhood
    ADD CONSTRAINT "PK_77136172443298a4aa0b98b205f" PRIMARY KEY (id);

ALTER TABLE ONLY public.survey_tally
    ADD CONSTRAINT "PK_8115257c3673aef96d08b8bcbf9" PRIMARY KEY (survey_id, question_id, option, source, npu_code, ward_code, age_band, ethnicity);

ALTER TABLE ONLY public.bid_payment
    ADD CONSTRAINT "PK_863acced0fdf91fbd215a82b741" PRIMARY KEY (id);

ALTER TABLE ONLY public.cadet_session
    ADD CONSTRAINT "PK_8998c12702c0f66c05c81a37e5f" PRIMARY KEY (id);

ALTER TABLE ONLY public.import_resident_row
    ADD CONSTRAINT "PK_8d376ea4a384f1873433c6f3503" PRIMARY KEY (import_id, line);

ALTER TABLE ONLY public.reply
    ADD CONSTRAINT "PK_94fa9017051b40a71e000a2aff9" PRIMARY KEY (id);

ALTER TABLE ONLY public.postcode
    ADD CONSTRAINT "PK_9cdb25c85a29e34abe49d76c66d" PRIMARY KEY (postcode);

ALTER TABLE ONLY public.fund
    ADD CONSTRAINT "PK_9d998a858aa6533eac98da4f34d" PRIMARY KEY (npu_code, financial_year);

ALTER TABLE ONLY public.patrol_report
    ADD CONSTRAINT "PK_9e9ce1ad85982553abe83390b00" PRIMARY KEY (patrol_id);

ALTER TABLE ONLY public.scheme_target
    ADD CONSTRAINT "PK_aca6243f0f631961127e54e80c2" PRIMARY KEY (npu_code, type);

ALTER TABLE ONLY public.population_share
    ADD CONSTRAINT "PK_ad43aa15dffae4a8c8a33e6f5e9" PRIMARY KEY (area_code, dimension, category);

ALTER TABLE ONLY public.cadet_member
    ADD CONSTRAINT "PK_b1c1e7d4a2826a6f6deacd503fc" PRIMARY KEY (id);

ALTER TABLE ONLY public.cadet_attendance
    ADD CONSTRAINT "PK_b25eb7011a0a06cb8e586dac701" PRIMARY KEY (session_id, member_id);

ALTER TABLE ONLY public.rating
    ADD CONSTRAINT "PK_b38ad13c622199a942aa8cdcf26" PRIMARY KEY (message_id, resident_id);

ALTER TABLE ONLY public.voting_ballot
    ADD CONSTRAINT "PK_b63d68e706570ee36be87b16687" PRIMARY KEY (round_id, resident_id);

ALTER TABLE ONLY public.message
    ADD CONSTRAINT "PK_ba01f0a3e0123651915008bc578" PRIMARY KEY (id);

ALTER TABLE ONLY public.patrol
    ADD CONSTRAINT "PK_ba3e208585493f0180562aae342" PRIMARY KEY (id);

ALTER TABLE ONLY public.resident_profile_stats
    ADD CONSTRAINT "PK_c63d8652da8fd1178051587bc94" PRIMARY KEY (ward_code, dimension, category);

ALTER TABLE ONLY public.area_ward
    ADD CONSTRAINT "PK_c7fad8480f6e3fffc13d2f7f8c8" PRIMARY KEY (area_id, ward_code);

ALTER TABLE ONLY public.voting_round
    ADD CONSTRAINT "PK_ca8aaa4399ae8fa00cae95ddac5" PRIMARY KEY (id);

ALTER TABLE ONLY public.bid_vote
    ADD CONSTRAINT "PK_d5a712a076de820ac7c97a5f66d" PRIMARY KEY (bid_id, resident_id);

ALTER TABLE ONLY public.resident_topic
    ADD CONSTRAINT "PK_d8102585ff8134a25f382ce42a3" PRIMARY KEY (resident_id, topic);

ALTER TABLE ONLY public.survey_response
    ADD CONSTRAINT "PK_d9326eb52bf8b23d56a39ce419a" PRIMARY KEY (id);

ALTER TABLE ONLY public.import_rejection
    ADD CONSTRAINT "PK_dcfba4c53664bdf7bd1afb22b42" PRIMARY KEY (import_id, line);

ALTER TABLE ONLY public.resident_interest
    ADD CONSTRAINT "PK_e29f05cd283af2c1de310729bc0" PRIMARY KEY (resident_id, interest_group);

ALTER TABLE ONLY public.staff
    ADD CONSTRAINT "PK_e4ee98bb552756c180aec1e854a" PRIMARY KEY (id);

ALTER TABLE ONLY public.npu
    ADD CONSTRAINT "PK_e5720047f828535d3dde54d30e3" PRIMARY KEY (code);

ALTER TABLE ONLY public.survey_question
    ADD CONSTRAINT "PK_ec6d65e83fd7217202178b79907" PRIMARY KEY (id);

ALTER TABLE ONLY public.bid
    ADD CONSTRAINT "PK_ed405dda320051aca2dcb1a50bb" PRIMARY KEY (id);

ALTER TABLE ONLY public.resident_import
    ADD CONSTRAINT "PK_ee1361db2ed5971f2f138bb07e6" PRIMARY KEY (resident_id);

ALTER TABLE ONLY public.survey
    ADD CONSTRAINT "PK_f0da32b9181e9c02ecf0be11ed3" PRIMARY KEY (id);

ALTER TABLE ONLY public.resident
    ADD CONSTRAINT "PK_f1a321823d6f69d0e348535fd37" PRIMARY KEY (id);

ALTER TABLE ONLY public.delivery_cursor
    ADD CONSTRAINT "PK_fdf814475350821489ec63e7780" PRIMARY KEY (message_id, channel, part);

ALTER TABLE ONLY public.delivery
    ADD CONSTRAINT "PK_ffad7bf84e68716cd9af89003b0" PRIMARY KEY (id);

ALTER TABLE ONLY public.report_refresh
    ADD CONSTRAINT "PK_report_refresh" PRIMARY KEY (name);

ALTER TABLE ONLY public.scheme_invitation
    ADD CONSTRAINT "PK_scheme_invitation" PRIMARY KEY (scheme_id, resident_id);

ALTER TABLE ONLY public.staff_recovery_code
    ADD CONSTRAINT "PK_staff_recovery_code" PRIMARY KEY (staff_id, code_hash);

ALTER TABLE ONLY public.staff_session
    ADD CONSTRAINT "PK_staff_session" PRIMARY KEY (id_hash);

ALTER TABLE ONLY public.patrol_volunteer
    ADD CONSTRAINT ex_patrol_volunteer_planned_no_overlap EXCLUDE USING gist (resident_id WITH =, during WITH &&) WHERE ((NOT cancelled));

ALTER TABLE ONLY public.area
    ADD CONSTRAINT uq_area_npu_name UNIQUE (npu_code, name);

ALTER TABLE ONLY public.cadet_session
    ADD CONSTRAINT uq_cadet_session_unit_day UNIQUE (unit_id, held_on);

ALTER TABLE ONLY public.cadet_unit
    ADD CONSTRAINT uq_cadet_unit_npu_name UNIQUE (npu_code, name);

ALTER TABLE ONLY public.delivery
    ADD CONSTRAINT uq_delivery_message_resident_channel UNIQUE (message_id, resident_id, channel);

ALTER TABLE ONLY public.neighbourhood
    ADD CONSTRAINT uq_neighbourhood_npu_name UNIQUE (npu_code, name);

ALTER TABLE ONLY public.survey_question
    ADD CONSTRAINT uq_survey_question_position UNIQUE (survey_id, "position");

ALTER TABLE ONLY public.survey_response
    ADD CONSTRAINT uq_survey_response_resident UNIQUE (survey_id, resident_id);

ALTER TABLE ONLY public.voting_round
    ADD CONSTRAINT uq_voting_round_fund UNIQUE (npu_code, financial_year);

CREATE INDEX idx_area_ward_ward ON public.area_ward USING btree (ward_code);

CREATE INDEX idx_audit_event_actor ON public.audit_event USING btree (actor, at);

CREATE INDEX idx_audit_event_subject ON public.audit_event USING btree (subject, at);

CREATE INDEX idx_bid_aligned_staff ON public.bid USING btree (aligned_staff_id) WHERE (aligned_staff_id IS NOT NULL);

CREATE INDEX idx_bid_created ON public.bid USING btree (created_at, id);

CREATE INDEX idx_bid_fund_status ON public.bid USING btree (npu_code, financial_year, status);

CREATE INDEX idx_bid_npu_created ON public.bid USING btree (npu_code, created_at, id);

CREATE INDEX idx_bid_payment_bid ON public.bid_payment USING btree (bid_id, paid_on);

CREATE INDEX idx_cadet_attendance_member ON public.cadet_attendance USING btree (member_id);

CREATE INDEX idx_cadet_member_unit_active ON public.cadet_member USING btree (unit_id, role) WHERE (left_at IS NULL);

CREATE INDEX idx_data_import_created ON public.data_import USING btree (created_at);

CREATE INDEX idx_data_import_status ON public.data_import USING btree (status);

CREATE INDEX idx_delivery_provider ON public.delivery USING btree (provider_id) WHERE (provider_id IS NOT NULL);

CREATE INDEX idx_delivery_retry ON public.delivery USING btree (message_id, channel, not_before) WHERE (((status)::text = 'queued'::text) AND (not_before IS NOT NULL));

CREATE INDEX idx_delivery_sending ON public.delivery USING btree (claimed_at) WHERE ((status)::text = 'sending'::text);

CREATE INDEX idx_message_author_created ON public.message USING btree (author_id, created_at);

CREATE INDEX idx_message_npu_created ON public.message USING btree (npu_code, created_at);

CREATE INDEX idx_message_sent_at ON public.message USING btree (sent_at) WHERE (sent_at IS NOT NULL);

CREATE INDEX idx_patrol_scheme_starts ON public.patrol USING btree (scheme_id, starts_at);

CREATE INDEX idx_patrol_starts ON public.patrol USING btree (starts_at);

CREATE INDEX idx_postcode_ward ON public.postcode USING btree (ward_code, postcode);

CREATE INDEX idx_rating_message_score ON public.rating USING btree (message_id, score);

CREATE INDEX idx_rating_resident ON public.rating USING btree (resident_id);

CREATE INDEX idx_reply_inbox ON public.reply USING btree (npu_code, status, created_at, id);

CREATE INDEX idx_reply_message ON public.reply USING btree (message_id) WHERE (message_id IS NOT NULL);

CREATE INDEX idx_reply_resident ON public.reply USING btree (resident_id, created_at);

CREATE INDEX idx_reply_response_reply ON public.reply_response USING btree (reply_id, created_at);

CREATE INDEX idx_reply_status_created ON public.reply USING btree (status, created_at, id);

CREATE INDEX idx_resident_active_ward ON public.resident USING btree (ward_code) WHERE ((status)::text = 'active'::text);

CREATE INDEX idx_resident_channel_enabled ON public.resident_channel USING btree (channel, resident_id) WHERE (enabled AND (suspended_at IS NULL));

CREATE INDEX idx_resident_created ON public.resident USING btree (created_at, id);

CREATE INDEX idx_resident_email ON public.resident USING btree (email) WHERE (email IS NOT NULL);

CREATE INDEX idx_resident_email_prefix ON public.resident USING btree (email varchar_pattern_ops);

CREATE INDEX idx_resident_first_name_prefix ON public.resident USING btree (lower((first_name)::text) text_pattern_ops);

CREATE INDEX idx_resident_import_import ON public.resident_import USING btree (import_id);

CREATE INDEX idx_resident_interest_group ON public.resident_interest USING btree (interest_group, resident_id);

CREATE INDEX idx_resident_last_name_prefix ON public.resident USING btree (lower((last_name)::text) text_pattern_ops);

CREATE INDEX idx_resident_left ON public.resident USING btree (left_at) WHERE (left_at IS NOT NULL);

CREATE INDEX idx_resident_phone ON public.resident USING btree (phone_e164) WHERE (phone_e164 IS NOT NULL);

CREATE INDEX idx_resident_topic_topic ON public.resident_topic USING btree (topic, resident_id);

CREATE INDEX idx_resident_ward_activated ON public.resident USING btree (ward_code, activated_at);

CREATE INDEX idx_resident_ward_move_moved ON public.resident_ward_move USING btree (moved_at);

CREATE INDEX idx_resident_ward_move_resident ON public.resident_ward_move USING btree (resident_id) WHERE (resident_id IS NOT NULL);

CREATE INDEX idx_scheme_coordinator ON public.scheme USING btree (coordinator_resident_id) WHERE (coordinator_resident_id IS NOT NULL);

CREATE INDEX idx_scheme_invitation_resident ON public.scheme_invitation USING btree (resident_id);

CREATE INDEX idx_scheme_member_resident ON public.scheme_member USING btree (resident_id);

CREATE INDEX idx_scheme_type_status ON public.scheme USING btree (type, status);

CREATE INDEX idx_scheme_ward ON public.scheme USING btree (ward_code);

CREATE INDEX idx_staff_npu ON public.staff USING btree (npu_code);

CREATE INDEX idx_staff_session_staff ON public.staff_session USING btree (staff_id);

CREATE INDEX idx_survey_npu_created ON public.survey USING btree (npu_code, created_at);

CREATE INDEX idx_survey_response_resident ON public.survey_response USING btree (resident_id) WHERE (resident_id IS NOT NULL);

CREATE INDEX idx_voting_round_bid_bid ON public.voting_round_bid USING btree (bid_id);

CREATE INDEX idx_ward_neighbourhood ON public.ward USING btree (neighbourhood_id);

CREATE INDEX idx_ward_npu ON public.ward USING btree (npu_code);

CREATE UNIQUE INDEX uq_cadet_member_active ON public.cadet_member USING btree (unit_id, first_name, last_name, date_of_birth) WHERE (left_at IS NULL);

CREATE UNIQUE INDEX uq_reply_provider ON public.reply USING btree (provider_id) WHERE (provider_id IS NOT NULL);

CREATE UNIQUE INDEX uq_resident_email ON public.resident USING btree (email) WHERE ((email IS NOT NULL) AND (email_verified_at IS NOT NULL));

CREATE UNIQUE INDEX uq_resident_pending_claim ON public.resident USING btree (COALESCE(email, ''::character varying), COALESCE(phone_e164, ''::character varying)) WHERE (((status)::text = 'pending'::text) AND ((email IS NOT NULL) OR (phone_e164 IS NOT NULL)));

CREATE UNIQUE INDEX uq_resident_phone ON public.resident USING btree (phone_e164) WHERE ((phone_e164 IS NOT NULL) AND (phone_verified_at IS NOT NULL));

CREATE UNIQUE INDEX uq_staff_email ON public.staff USING btree (email);

CREATE UNIQUE INDEX uq_staff_oidc_subject ON public.staff USING btree (oidc_subject);

ALTER TABLE ONLY public.reply
    ADD CONSTRAINT "FK_0252f10324f16ec3bdcadfafe40" FOREIGN KEY (npu_code) REFERENCES public.npu(code) ON DELETE RESTRICT;

ALTER TABLE ONLY public.bid
    ADD CONSTRAINT "FK_03d4b723753e5a04b78d838f1eb" FOREIGN KEY (decided_by_id) REFERENCES public.staff(id) ON DELETE RESTRICT;

ALTER TABLE ONLY public.rating
    ADD CONSTRAINT "FK_051df962b4ff611be4ef464620a" FOREIGN KEY (resident_id) REFERENCES public.resident(id) ON DELETE RESTRICT;

ALTER TABLE ONLY public.neighbourhood
    ADD CONSTRAINT "FK_07ceb9eb484f1e57b9894fbfd1c" FOREIGN KEY (npu_code) REFERENCES public.npu(code) ON DELETE RESTRICT;

ALTER TABLE ONLY public.ward
    ADD CONSTRAINT "FK_0aafdc2d2ef93bb9a459854d489" FOREIGN KEY (npu_code) REFERENCES public.npu(code) ON DELETE RESTRICT;

ALTER TABLE ONLY public.reply_response
    ADD CONSTRAINT "FK_0f8493197923ec17cc5143ec7f5" FOREIGN KEY (staff_id) REFERENCES public.staff(id) ON DELETE RESTRICT;

ALTER TABLE ONLY public.scheme
    ADD CONSTRAINT "FK_10972c3144c70fcae5b71f15ca3" FOREIGN KEY (coordinator_resident_id) REFERENCES public.resident(id) ON DELETE SET NULL;

ALTER TABLE ONLY public.area_ward
    ADD CONSTRAINT "FK_1634ba74fd4eae668b028278275" FOREIGN KEY (ward_code) REFERENCES public.ward(code) ON DELETE RESTRICT;

ALTER TABLE ONLY public.patrol_volunteer
    ADD CONSTRAINT "FK_16ae6b31de3c675418699119c3d" FOREIGN KEY (resident_id) REFERENCES public.resident(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.voting_round
    ADD CONSTRAINT "FK_195847eb262b22d8a32e93a977f" FOREIGN KEY (npu_code, financial_year) REFERENCES public.fund(npu_code, financial_year) ON DELETE RESTRICT;

ALTER TABLE ONLY public.scheme
    ADD CONSTRAINT "FK_1a2b16a5870e519465915318a26" FOREIGN KEY (type) REFERENCES public.scheme_type(code) ON DELETE RESTRICT;

ALTER TABLE ONLY public.message
    ADD CONSTRAINT "FK_27675d1d5b9dbaabc0546aeb0a1" FOREIGN KEY (author_id) REFERENCES public.staff(id) ON DELETE RESTRICT;

ALTER TABLE ONLY public.bid_vote
    ADD CONSTRAINT "FK_2d7482b32f667972e246c6ed2bd" FOREIGN KEY (bid_id) REFERENCES public.bid(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.survey_response
    ADD CONSTRAINT "FK_3282a960be3ebb4c396bc1e391a" FOREIGN KEY (survey_id) REFERENCES public.survey(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.bid
    ADD CONSTRAINT "FK_33a005f377623a00c03e5d8afe2" FOREIGN KEY (npu_code, financial_year) REFERENCES public.fund(npu_code, financial_year) ON DELETE RESTRICT;

ALTER TABLE ONLY public.survey_question
    ADD CONSTRAINT "FK_347ae83807bbdfc2e91c5c51ec8" FOREIGN KEY (survey_id) REFERENCES public.survey(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.resident
    ADD CONSTRAINT "FK_369876a69ca6825ea25c46f43ba" FOREIGN KEY (ward_code) REFERENCES public.ward(code) ON DELETE RESTRICT;

ALTER TABLE ONLY public.survey_response
    ADD CONSTRAINT "FK_380fefd34fc294bc980c0481a01" FOREIGN KEY (resident_id) REFERENCES public.resident(id) ON DELETE RESTRICT;

ALTER TABLE ONLY public.scheme_invitation
    ADD CONSTRAINT "FK_39f8d86606c6f0079934b9169e1" FOREIGN KEY (scheme_id) REFERENCES public.scheme(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.scheme_member
    ADD CONSTRAINT "FK_3a713aceee7ec387f994ac2fe3a" FOREIGN KEY (scheme_id) REFERENCES public.scheme(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.resident_topic
    ADD CONSTRAINT "FK_3baf914c85b895e6200606f6deb" FOREIGN KEY (resident_id) REFERENCES public.resident(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.scheme_member
    ADD CONSTRAINT "FK_45e8db6068c892ae2c976f1661d" FOREIGN KEY (resident_id) REFERENCES public.resident(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.bid_evaluation
    ADD CONSTRAINT "FK_46b0e6211a7543237c9ec0f0446" FOREIGN KEY (bid_id) REFERENCES public.bid(id) ON DELETE RESTRICT;

ALTER TABLE ONLY public.voting_round_bid
    ADD CONSTRAINT "FK_488f82da7db087d2cd6ae838739" FOREIGN KEY (bid_id) REFERENCES public.bid(id) ON DELETE RESTRICT;

ALTER TABLE ONLY public.rating
    ADD CONSTRAINT "FK_58812b650aaa0dc172b2b453737" FOREIGN KEY (message_id) REFERENCES public.message(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.resident_channel
    ADD CONSTRAINT "FK_5906e3337466e42f4772f4a64d2" FOREIGN KEY (resident_id) REFERENCES public.resident(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.cadet_unit
    ADD CONSTRAINT "FK_5fc2652025bf86b26944bff8969" FOREIGN KEY (npu_code) REFERENCES public.npu(code) ON DELETE RESTRICT;

ALTER TABLE ONLY public.fund
    ADD CONSTRAINT "FK_6891675ad095dbab3a11273a82a" FOREIGN KEY (npu_code) REFERENCES public.npu(code) ON DELETE RESTRICT;

ALTER TABLE ONLY public.bid_payment
    ADD CONSTRAINT "FK_699a6217095bd616a0cd2fcbafd" FOREIGN KEY (recorded_by_id) REFERENCES public.staff(id) ON DELETE RESTRICT;

ALTER TABLE ONLY public.area_neighbourhood
    ADD CONSTRAINT "FK_6a217a9dcaa3b4bf0fb4645b646" FOREIGN KEY (neighbourhood_id) REFERENCES public.neighbourhood(id) ON DELETE RESTRICT;

ALTER TABLE ONLY public.resident_sms_code
    ADD CONSTRAINT "FK_6aee978d55adaedc28538942118" FOREIGN KEY (resident_id) REFERENCES public.resident(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.voting_ballot
    ADD CONSTRAINT "FK_6cf5e581072bd2dee7738c7b64f" FOREIGN KEY (round_id) REFERENCES public.voting_round(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.survey_tally
    ADD CONSTRAINT "FK_703d4a538bfbee4971ab5edc0b9" FOREIGN KEY (survey_id) REFERENCES public.survey(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.cadet_attendance
    ADD CONSTRAINT "FK_71ac5f89915216b835a52ec5903" FOREIGN KEY (member_id) REFERENCES public.cadet_member(id) ON DELETE RESTRICT;

ALTER TABLE ONLY public.scheme
    ADD CONSTRAINT "FK_71c128d288819754c75fe8fdba4" FOREIGN KEY (ward_code) REFERENCES public.ward(code) ON DELETE RESTRICT;

ALTER TABLE ONLY public.message
    ADD CONSTRAINT "FK_819d2001abb0bcc2915881be906" FOREIGN KEY (npu_code) REFERENCES public.npu(code) ON DELETE RESTRICT;

ALTER TABLE ONLY public.scheme_target
    ADD CONSTRAINT "FK_89bd6d91a5ade3a5f2a5dd2ddd5" FOREIGN KEY (type) REFERENCES public.scheme_type(code) ON DELETE RESTRICT;

ALTER TABLE ONLY public.scheme_invitation
    ADD CONSTRAINT "FK_8aab9a9b00efbaafb3cf111f287" FOREIGN KEY (resident_id) REFERENCES public.resident(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.cadet_attendance
    ADD CONSTRAINT "FK_99cbbcdb7580053a714e42b2a53" FOREIGN KEY (session_id) REFERENCES public.cadet_session(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.bid_payment
    ADD CONSTRAINT "FK_9e8660640eb69561748f253b01a" FOREIGN KEY (bid_id) REFERENCES public.bid(id) ON DELETE RESTRICT;

ALTER TABLE ONLY public.patrol_report
    ADD CONSTRAINT "FK_9e9ce1ad85982553abe83390b00" FOREIGN KEY (patrol_id) REFERENCES public.patrol(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.postcode
    ADD CONSTRAINT "FK_9f8f7afd5c8ae0d01974e8d6bb2" FOREIGN KEY (ward_code) REFERENCES public.ward(code) ON DELETE RESTRICT;

ALTER TABLE ONLY public.reply_response
    ADD CONSTRAINT "FK_a07c5605553e402b2a6aaedff6f" FOREIGN KEY (reply_id) REFERENCES public.reply(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.bid_vote
    ADD CONSTRAINT "FK_a4f439295ae554298945c85aefb" FOREIGN KEY (resident_id) REFERENCES public.resident(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.delivery_cursor
    ADD CONSTRAINT "FK_a6c6a6dd0f5d152b96a8b49286f" FOREIGN KEY (message_id) REFERENCES public.message(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.area
    ADD CONSTRAINT "FK_abb38cbebfa4245cf4431dab02a" FOREIGN KEY (npu_code) REFERENCES public.npu(code) ON DELETE RESTRICT;

ALTER TABLE ONLY public.area_ward
    ADD CONSTRAINT "FK_ac8880415e95a5423379e4fbd2b" FOREIGN KEY (area_id) REFERENCES public.area(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.reply
    ADD CONSTRAINT "FK_b2411cf417d077caa6fbaa58127" FOREIGN KEY (message_id) REFERENCES public.message(id) ON DELETE SET NULL;

ALTER TABLE ONLY public.scheme_target
    ADD CONSTRAINT "FK_b41aec5f123a8a8600dbd9c7e58" FOREIGN KEY (npu_code) REFERENCES public.npu(code) ON DELETE RESTRICT;

ALTER TABLE ONLY public.patrol
    ADD CONSTRAINT "FK_c1e5de682ee79d8f8fefc8c3db0" FOREIGN KEY (scheme_id) REFERENCES public.scheme(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.survey
    ADD CONSTRAINT "FK_c4c24c60021d2853666ab59cbad" FOREIGN KEY (author_id) REFERENCES public.staff(id) ON DELETE RESTRICT;

ALTER TABLE ONLY public.reply
    ADD CONSTRAINT "FK_c5b5b8b70b2da52798c35d6bbd2" FOREIGN KEY (resident_id) REFERENCES public.resident(id) ON DELETE RESTRICT;

ALTER TABLE ONLY public.message_channel_health
    ADD CONSTRAINT "FK_cb7c4faf0b657d125f879e5d5af" FOREIGN KEY (message_id) REFERENCES public.message(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.survey
    ADD CONSTRAINT "FK_d35f46a32cb1e187cfa81a95f7f" FOREIGN KEY (npu_code) REFERENCES public.npu(code) ON DELETE RESTRICT;

ALTER TABLE ONLY public.cadet_member
    ADD CONSTRAINT "FK_d44e8996bc67848002f61b5b0ac" FOREIGN KEY (unit_id) REFERENCES public.cadet_unit(id) ON DELETE RESTRICT;

ALTER TABLE ONLY public.patrol_volunteer
    ADD CONSTRAINT "FK_d8245b0bc5fc95ef3984350bf86" FOREIGN KEY (patrol_id) REFERENCES public.patrol(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.resident_interest
    ADD CONSTRAINT "FK_e277d5fa781cfd1f76393440548" FOREIGN KEY (resident_id) REFERENCES public.resident(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.cadet_session
    ADD CONSTRAINT "FK_e3340d3f97c99b0bf850fa6c1ac" FOREIGN KEY (unit_id) REFERENCES public.cadet_unit(id) ON DELETE RESTRICT;

ALTER TABLE ONLY public.staff
    ADD CONSTRAINT "FK_e40386ba51a4297c8357bfbc273" FOREIGN KEY (npu_code) REFERENCES public.npu(code) ON DELETE RESTRICT;

ALTER TABLE ONLY public.ward
    ADD CONSTRAINT "FK_e5bc51af632505afb0be8dbf8df" FOREIGN KEY (neighbourhood_id) REFERENCES public.neighbourhood(id) ON DELETE RESTRICT;

ALTER TABLE ONLY public.bid_evaluation
    ADD CONSTRAINT "FK_eded58d983e875ec8a574736c65" FOREIGN KEY (evaluated_by_id) REFERENCES public.staff(id) ON DELETE RESTRICT;

ALTER TABLE ONLY public.resident_import
    ADD CONSTRAINT "FK_ee1361db2ed5971f2f138bb07e6" FOREIGN KEY (resident_id) REFERENCES public.resident(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.resident_ward_move
    ADD CONSTRAINT "FK_f25bb9a443f8d853b6ebf370918" FOREIGN KEY (resident_id) REFERENCES public.resident(id) ON DELETE RESTRICT;

ALTER TABLE ONLY public.bid
    ADD CONSTRAINT "FK_f55a585740f1b29590cfb2fbb00" FOREIGN KEY (aligned_staff_id) REFERENCES public.staff(id) ON DELETE RESTRICT;

ALTER TABLE ONLY public.voting_ballot
    ADD CONSTRAINT "FK_fa027a5e2bcaf348ea068aa9e56" FOREIGN KEY (resident_id) REFERENCES public.resident(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.area_neighbourhood
    ADD CONSTRAINT "FK_fcde5d168558578b6b71516facf" FOREIGN KEY (area_id) REFERENCES public.area(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.voting_round_bid
    ADD CONSTRAINT "FK_fce2c3fdfa2b927bea4f737b7c6" FOREIGN KEY (round_id) REFERENCES public.voting_round(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.staff_recovery_code
    ADD CONSTRAINT "FK_staff_recovery_code_staff" FOREIGN KEY (staff_id) REFERENCES public.staff(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.staff_session
    ADD CONSTRAINT "FK_staff_session_staff" FOREIGN KEY (staff_id) REFERENCES public.staff(id) ON DELETE CASCADE;

INSERT INTO public.scheme_type (code, name) VALUES ('neighbourhood_watch', 'Neighbourhood Watch'), ('street_watch', 'Street Watch'), ('canal_watch', 'Canal Watch'), ('business_watch', 'Business Watch');
`;
