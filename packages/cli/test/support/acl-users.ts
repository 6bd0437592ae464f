import type { RedisAclUser } from '@sess/testkit';

// The application's and the CLI's ACL rules from docs/production/least-privilege.md, as
// packages/tests/test/least-privilege.ts has them (its tests check the page shows both).

const APP_RULES =
  'resetkeys ~sess:* resetchannels -@all +@connection +@hash +@sortedset +@stream +@string +@keyspace +eval +evalsha +cluster|slots -@dangerous -scan -randomkey -dbsize';

/** The application's user: enough for sess, not for INFO or TIME. */
export const APP_USER: RedisAclUser = {
  name: 'sess-app',
  password: 'app-secret',
  rules: APP_RULES,
};

/** The CLI's user: the application's rules and INFO, TIME, CLUSTER INFO. */
export const CLI_USER: RedisAclUser = {
  name: 'sess-cli',
  password: 'cli-secret',
  rules: `${APP_RULES} +info +time +cluster|info`,
};

/** A user that may read INFO but no key of the store: stats shows the Redis figures alone. */
export const INFO_ONLY_USER: RedisAclUser = {
  name: 'info-only',
  password: 'info-secret',
  rules: 'resetkeys ~other:* resetchannels -@all +@connection +@read -@dangerous +info',
};
