import { ErrorReply, SocketClosedUnexpectedlyError } from 'redis';
import { describe, expect, it } from 'vitest';
import { connectFailureKind, isClosedByServer } from '../src/connect-failure.js';

function systemError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('connectFailureKind', () => {
  it.each([
    ['WRONGPASS invalid username-password pair or user is disabled.', 'credentials'],
    ['NOAUTH Authentication required.', 'credentials'],
    [
      'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
      'credentials',
    ],
    ["NOPERM User bob has no permissions to run the 'select' command", 'permission'],
    ['ERR DB index is out of range', 'database'],
    ['ERR SELECT is not allowed in cluster mode', 'database'],
    ['ERR This instance has cluster support disabled', 'not-cluster'],
  ])('%s: %s', (message, kind) => {
    expect(connectFailureKind(new ErrorReply(message))).toBe(kind);
  });

  it.each([
    'LOADING Redis is loading the dataset in memory',
    'MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to no',
    'ERR max number of clients reached',
  ])('retries the reply %s', (message) => {
    expect(connectFailureKind(new ErrorReply(message))).toBeUndefined();
  });

  it.each([
    ['ENOTFOUND', 'getaddrinfo ENOTFOUND redis.invalid', 'host'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate', 'certificate'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate', 'certificate'],
    ['CERT_HAS_EXPIRED', 'certificate has expired', 'certificate'],
    [
      'ERR_TLS_CERT_ALTNAME_INVALID',
      "Hostname/IP does not match certificate's altnames",
      'certificate',
    ],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'wrong version number', 'tls'],
    ['EPROTO', 'SSL routines:ssl3_get_record:wrong version number', 'tls'],
  ])('%s: %s', (code, message, kind) => {
    expect(connectFailureKind(systemError(code, message))).toBe(kind);
  });

  it.each([
    ['EAI_AGAIN', 'getaddrinfo EAI_AGAIN redis.example'],
    ['ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:6379'],
    ['ETIMEDOUT', 'connect ETIMEDOUT 10.0.0.1:6379'],
    ['EHOSTUNREACH', 'connect EHOSTUNREACH 10.0.0.1:6379'],
    ['ECONNRESET', 'read ECONNRESET'],
    ['EPROTO', 'write EPROTO'],
  ])('retries %s', (code, message) => {
    expect(connectFailureKind(systemError(code, message))).toBeUndefined();
  });

  it('retries what it does not know', () => {
    expect(connectFailureKind(new Error('Connection timeout'))).toBeUndefined();
    expect(connectFailureKind('obseve client error: Error: read ECONNRESET')).toBeUndefined();
  });
});

describe('isClosedByServer', () => {
  it('is a reset or an end of the connection before an answer', () => {
    expect(isClosedByServer(systemError('ECONNRESET', 'read ECONNRESET'))).toBe(true);
    expect(isClosedByServer(new SocketClosedUnexpectedlyError())).toBe(true);
    expect(isClosedByServer(systemError('ECONNREFUSED', 'connect ECONNREFUSED'))).toBe(false);
  });
});
