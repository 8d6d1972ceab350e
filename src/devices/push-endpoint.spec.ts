import { checkPushUrl } from './push-endpoint';

const ok = (raw: string, loopback = false) => {
  const r = checkPushUrl(raw, loopback);
  expect(typeof r).not.toBe('string');
  return r as URL;
};
const refused = (raw: string, loopback = false) => {
  const r = checkPushUrl(raw, loopback);
  expect(typeof r).toBe('string');
  return r as string;
};

describe('checkPushUrl', () => {
  it("accepts the push services' https endpoints", () => {
    expect(ok('https://fcm.googleapis.com/fcm/send/abc:def').hostname).toBe('fcm.googleapis.com');
    ok('https://updates.push.services.mozilla.com/wpush/v2/gAAAA');
    ok('https://web.push.apple.com/QGuQyavXutnMH');
  });

  it('refuses plain http and other schemes', () => {
    expect(refused('http://push.example.com/x')).toMatch(/https/);
    refused('ftp://push.example.com/x');
    refused('javascript:alert(1)');
    refused('not a url');
  });

  it('refuses private, loopback and link-local addresses, however written', () => {
    for (const u of [
      'https://127.0.0.1/x',
      'https://localhost/x',
      'https://api.localhost/x',
      'https://10.1.2.3/x',
      'https://172.16.0.1/x',
      'https://192.168.1.1/x',
      'https://169.254.169.254/latest/meta-data',
      'https://[::1]/x',
      'https://[fd00::1]/x',
      'https://[::ffff:10.0.0.1]/x',
      'https://2130706433/x', // 127.0.0.1 as one number
      'https://0x7f.1/x',
    ])
      expect(refused(u)).toMatch(/private|loopback/);
  });

  it('refuses URLs with credentials', () => {
    refused('https://user:pw@push.example.com/x');
  });

  it('allows http to loopback only when asked to (local stand-ins in tests)', () => {
    expect(ok('http://127.0.0.1:4000/push/1', true).port).toBe('4000');
    ok('http://localhost:4000/push/1', true);
    refused('http://127.0.0.1:4000/push/1');
    refused('http://10.0.0.1/push/1', true);
    refused('http://push.example.com/x', true);
  });
});
