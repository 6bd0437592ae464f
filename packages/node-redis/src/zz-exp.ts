import { createClient, type RedisClientType, type RedisModules, type RedisFunctions, type RedisScripts, type RespVersions, type TypeMapping } from 'redis';
type Any = RedisClientType<RedisModules, RedisFunctions, RedisScripts, RespVersions, TypeMapping>;
const a = createClient({ RESP: 2 });
const b = createClient();
const c: RedisClientType = createClient() as RedisClientType;
function take(x: Any): void { void x; }
take(a); take(b); take(c);
const d = a.duplicate();
take(d);
