// `@sess/testkit`: throwaway Redis servers for tests, the command audit and the RedisPort
// contract suite.

// Servers: a standalone redis-server, a Sentinel set, a Cluster, with users and TLS
export type { RedisAclUser } from './acl-user.js';
export type { SlotMigration } from './cluster-slot-migration.js';
// The command audit: commands sess must never send, and keys that span hash slots
export {
  type AuditReport,
  commandViolations,
  FORBIDDEN_COMMANDS,
} from './command-audit.js';
export { keySlot, SLOT_COUNT } from './key-slot.js';
// Checking a RedisPort: the contract suite, and a port that records what goes through it
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
