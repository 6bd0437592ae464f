export type { RedisAclUser } from './acl-user.js';
export type { SlotMigration } from './cluster-slot-migration.js';
export {
  type AuditReport,
  commandViolations,
  FORBIDDEN_COMMANDS,
} from './command-audit.js';
export { keySlot, SLOT_COUNT } from './key-slot.js';
export {
  createRecordingPort,
  type RecordedCall,
  type RecordingPort,
} from './recording-port.js';
export {
  type RedisClusterSet,
  type StartRedisClusterOptions,
  startRedisCluster,
} from './redis-cluster-set.js';
export type { RedisSource } from './redis-instance.js';
export {
  type StartRedisOptions,
  type StartRedisTlsOptions,
  startRedis,
} from './redis-launcher.js';
export {
  type ContractAssertion,
  type ContractDescribe,
  type ContractExpect,
  type ContractIt,
  type RedisPortContractOptions,
  redisPortContract,
} from './redis-port-contract.js';
export {
  type RedisSentinelSet,
  type StartRedisSentinelOptions,
  startRedisSentinel,
} from './redis-sentinel-set.js';
export { CommandAuditError, type RedisServer, type RedisServerTls } from './redis-server.js';
export type { TestCertificate } from './test-certificates.js';
