import { Field, Float, InputType, Int, ObjectType, ID, registerEnumType } from 'type-graphql';
import { CallStatus, CallType } from '../entities/enums.js';

export enum StatsPeriod { DAY = 'DAY', WEEK = 'WEEK', MONTH = 'MONTH' }
export enum StatsSource { RAW = 'RAW', ROLLUP = 'ROLLUP' }
registerEnumType(StatsPeriod, { name: 'StatsPeriod', description: 'Series buckets: UTC days, ISO weeks starting Monday, or calendar months (UTC).' });
registerEnumType(StatsSource, {
  name: 'StatsSource',
  description: 'Where the figures came from.',
  valuesConfig: {
    RAW: { description: 'The calls themselves (ranges up to STATS_ROLLUP_AFTER_DAYS, and patients): percentiles exact.' },
    ROLLUP: { description: 'The rollups (daily, and monthly for whole months of a series by month) for whole days, the calls for partial edge days: counts exact, median/p90 interpolated from duration buckets.' },
  },
});

@InputType('CallStatsFilter')
export class CallStatsFilterObject {
  @Field(() => Date, { nullable: true, description: 'Calls placed at or after (default: all time).' })
  from?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Calls placed before (default: now).' })
  to?: Date | null;

  @Field(() => ID, { nullable: true, description: 'Admins: one provider. Providers and patients: only themselves.' })
  providerId?: string | null;

  @Field(() => CallType, { nullable: true })
  type?: CallType | null;

  @Field(() => StatsPeriod, { nullable: true, description: 'Default: DAY up to 92 days, WEEK up to two years, MONTH beyond (and for all time).' })
  groupBy?: StatsPeriod | null;
}

@ObjectType('CallStatusCount')
export class CallStatusCountObject {
  @Field(() => CallStatus)
  status!: CallStatus;

  @Field(() => Int)
  count!: number;
}

@ObjectType('CallStatsPoint', { description: 'One period of the series: calls placed in it that reached a final status.' })
export class CallStatsPointObject {
  @Field(() => Date)
  periodStart!: Date;

  @Field(() => Int)
  total!: number;

  @Field(() => Int)
  completed!: number;

  @Field(() => Int)
  missed!: number;

  @Field(() => Int)
  declined!: number;

  @Field(() => Int)
  failed!: number;

  @Field(() => Int)
  cancelled!: number;

  @Field(() => Float, { nullable: true })
  successRate!: number | null;

  @Field(() => Float, { nullable: true })
  averageDurationMs!: number | null;
}

@ObjectType('CallStats', {
  description: 'Calls placed in a range, in your scope. Rates are over calls that should have connected: ENDED + MISSED + DECLINED + FAILED (CANCELLED was withdrawn by the caller; live calls are not over yet).',
})
export class CallStatsObject {
  @Field(() => Date, { nullable: true })
  from!: Date | null;

  @Field(() => Date)
  to!: Date;

  @Field(() => StatsSource)
  source!: StatsSource;

  @Field(() => Int, { description: 'Calls that reached a final status.' })
  total!: number;

  @Field(() => Int, { description: 'Calls still scheduled, ringing or active.' })
  live!: number;

  @Field(() => [CallStatusCountObject], { description: 'Final calls by status.' })
  byStatus!: CallStatusCountObject[];

  @Field(() => Int, { description: 'ENDED: answered and completed.' })
  completed!: number;

  @Field(() => Int, { description: 'ENDED + MISSED + DECLINED + FAILED.' })
  shouldHaveConnected!: number;

  @Field(() => Float, { nullable: true, description: 'completed / shouldHaveConnected; null when there were none.' })
  successRate!: number | null;

  @Field(() => Float, { nullable: true, description: 'FAILED / shouldHaveConnected.' })
  failureRate!: number | null;

  @Field(() => Float, { nullable: true, description: 'MISSED / shouldHaveConnected.' })
  missedRate!: number | null;

  @Field(() => Float, { nullable: true, description: 'Of completed calls, ms.' })
  averageDurationMs!: number | null;

  @Field(() => Float, { nullable: true })
  medianDurationMs!: number | null;

  @Field(() => Float, { nullable: true })
  p90DurationMs!: number | null;

  @Field(() => Float, { nullable: true, description: 'Of answered calls, ms from ringing to answer.' })
  averageTimeToAnswerMs!: number | null;

  @Field(() => Float, { nullable: true, description: 'Average of the calls\' average MOS, over calls with a quality summary.' })
  averageQualityScore!: number | null;

  @Field(() => Float, { nullable: true, description: 'Share of calls with a known connection type that went through TURN.' })
  relayShare!: number | null;

  @Field(() => [CallStatsPointObject])
  series!: CallStatsPointObject[];
}
