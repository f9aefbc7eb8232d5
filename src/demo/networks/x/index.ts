export { XApiEmulator } from './x-api-emulator';
export type {
  EmulatorAddress,
  EmulatorLogger,
  EmulatorRequest,
  FailureInjectionOptions,
  InjectedFault,
  RateLimitWindow,
  RequestMatcher,
  XApiEmulatorOptions,
  XEndpoint,
} from './x-api-emulator';
export { DemoTrafficGenerator } from '../../traffic/demo-traffic-generator';
export type { DemoDescription, DemoTrafficOptions, DemoTrafficSink, TrafficSummary } from '../../traffic/demo-traffic-generator';
export { startDemoXApi } from './demo-x-api';
export type { DemoXApi, DemoXApiOptions } from './demo-x-api';
export { LUMI_BRAND, brandSearchQuery } from '../../traffic/demo-brand';
export type { DemoBrand, DemoAccount } from '../../traffic/demo-brand';
export { generateLocalCertificate } from '../shared/self-signed-certificate';
export type { TlsKeyPair } from '../shared/self-signed-certificate';
export { snowflakeId, snowflakeTime } from './snowflake';
export type {
  EmulatedTweet,
  EmulatedUser,
  NewTweet,
  NewUser,
  ReferencedTweet,
  TweetPublicMetrics,
  UserPublicMetrics,
} from './x-emulator.types';
