import { NetworkApiError } from '../network-error';
import { classifyYouTubeError, youtubeErrorOf, YouTubeApiError } from './youtube-api';

const googleBody = (code: number, reason: string, message: string, domain = 'youtube.quota') =>
  JSON.stringify({ error: { code, message, errors: [{ message, domain, reason }] } });

describe('YouTube API errors', () => {
  it('reads Google’s error body: the first reason and the message without its HTML', () => {
    const err = youtubeErrorOf(
      403,
      googleBody(
        403,
        'quotaExceeded',
        'The request cannot be completed because you have exceeded your <a href="/youtube/v3/getting-started#quota">quota</a>.',
      ),
    );
    expect(err).toMatchObject({
      status: 403,
      reason: 'quotaExceeded',
      detail: 'The request cannot be completed because you have exceeded your quota.',
    });
    expect(err.quotaExceeded).toBe(true);
    expect(youtubeErrorOf(400, googleBody(400, 'keyInvalid', 'API key not valid. Please pass a valid API key.', 'global')).message).toBe(
      'answered 400 keyInvalid: API key not valid. Please pass a valid API key.',
    );
  });

  it('names a body that is not Google’s JSON', () => {
    expect(youtubeErrorOf(502, '<html><title>502 Bad Gateway</title></html>').detail).toBe('an HTML page “502 Bad Gateway”');
    expect(youtubeErrorOf(500, '').detail).toBe('an empty body');
  });

  it('classifies: quotaExceeded is not retried (it pauses the day), rate limits are waited out, 5xx and cut connections retried', () => {
    expect(classifyYouTubeError(new YouTubeApiError(403, 'quotaExceeded', 'x'))).toBe('fatal');
    expect(classifyYouTubeError(new YouTubeApiError(403, 'rateLimitExceeded', 'x'))).toEqual({ rateLimitedUntil: null });
    expect(classifyYouTubeError(new YouTubeApiError(429, null, 'x'))).toEqual({ rateLimitedUntil: null });
    expect(classifyYouTubeError(new YouTubeApiError(503, 'backendError', 'x'))).toBe('transient');
    expect(classifyYouTubeError(new YouTubeApiError(404, 'videoNotFound', 'x'))).toBe('fatal');
    expect(classifyYouTubeError(new TypeError('fetch failed'))).toBe('transient');
    expect(classifyYouTubeError(new NetworkApiError('youtube', 'cut', true))).toBe('transient');
    expect(classifyYouTubeError(new Error('storage failed'))).toBe('fatal');
  });
});
