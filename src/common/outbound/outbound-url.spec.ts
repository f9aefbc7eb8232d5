import { OutboundPolicy } from './address-policy';
import { outboundUrlProblem } from './outbound-url';

describe('outboundUrlProblem', () => {
  const strict = OutboundPolicy.strict();
  const privateAllowed = new OutboundPolicy({ allowPrivate: true, allowedCidrs: [] });
  const allowlisted = new OutboundPolicy({ allowPrivate: false, allowedCidrs: ['10.0.0.0/8'] });

  const refused: [string, RegExp][] = [
    ['http://127.0.0.1:6379/', /loopback/],
    ['http://[::1]/', /loopback/],
    ['http://2130706433/', /loopback/],
    ['http://0x7f.1/', /loopback/],
    ['http://0177.0.0.1/', /loopback/],
    ['http://[::ffff:127.0.0.1]/', /loopback/],
    ['http://169.254.169.254/latest/meta-data/', /cloud metadata/],
    ['http://[fd00:ec2::254]/', /cloud metadata/],
    ['http://10.0.0.1/hook', /private/],
    ['http://192.168.1.10/hook', /private/],
    ['http://0.0.0.0:8080/', /unspecified/],
    ['http://localhost:3000/', /internal host name/],
    ['http://LOCALHOST./', /internal host name/],
    ['http://api.localhost/', /internal host name/],
    ['http://metadata.google.internal/', /internal host name/],
    ['http://printer.local/', /internal host name/],
    ['http://intranet/', /top-level domain/],
    ['https://user:pass@hooks.example.com/', /user name or password/],
    ['https://token@hooks.example.com/', /user name or password/],
    ['ftp://hooks.example.com/', /http or https/],
    ['file:///etc/passwd', /http or https/],
    ['not a url', /http or https/],
  ];

  it.each(refused)('refuses %s', (url, reason) => {
    expect(outboundUrlProblem(url, strict)).toMatch(reason);
  });

  it.each([
    'https://hooks.slack.com/services/T000/B000/XXX',
    'http://hooks.example.com:8080/x',
    'https://8.8.8.8/hook',
    'https://[2606:4700::1111]/',
  ])('accepts %s', (url) => expect(outboundUrlProblem(url, strict)).toBeNull());

  it('accepts internal targets when the installation allows private addresses, never metadata or userinfo', () => {
    for (const url of [
      'http://127.0.0.1:6379/',
      'http://[::1]/',
      'http://10.0.0.1/hook',
      'http://localhost:3000/',
      'http://alerts.internal/',
      'http://intranet/',
    ]) {
      expect(outboundUrlProblem(url, privateAllowed)).toBeNull();
    }
    expect(outboundUrlProblem('http://169.254.169.254/', privateAllowed)).toMatch(/cloud metadata/);
    expect(outboundUrlProblem('http://u:p@10.0.0.1/', privateAllowed)).toMatch(/user name/);
  });

  it('accepts an allowlisted range and nothing else', () => {
    expect(outboundUrlProblem('http://10.2.3.4/hook', allowlisted)).toBeNull();
    expect(outboundUrlProblem('http://127.0.0.1/hook', allowlisted)).toMatch(/loopback/);
    expect(outboundUrlProblem('http://localhost/hook', allowlisted)).toMatch(/internal host name/);
  });
});
