import { startDemoMetaApi } from './demo-meta-api';

describe('The demo Graph API (Facebook and Instagram)', () => {
  it('serves a Page and an Instagram account with a week of posts, comments, replies and tags', async () => {
    const demo = await startDemoMetaApi({ tickSeconds: 3600 });
    try {
      const s = demo.emulator.store;
      const fbPosts = [...s.fbPosts.values()];
      const fbComments = [...s.fbComments.values()];
      expect(fbPosts.filter((p) => p.kind === 'published').length).toBeGreaterThan(3);
      expect(fbPosts.some((p) => p.kind !== 'published')).toBe(true);
      expect(fbComments.length).toBeGreaterThan(20);
      // the Page answers comments, under the comment it answers
      expect(fbComments.some((c) => c.from?.id === demo.pageId && c.parentId)).toBe(true);
      expect(fbPosts.some((p) => p.reactions > 0)).toBe(true);
      const media = [...s.igMedia.values()];
      expect(media.filter((m) => m.owner.id === demo.instagramAccountId).length).toBeGreaterThan(3);
      expect(media.some((m) => m.tagged.includes(demo.instagramAccountId))).toBe(true);
      expect([...s.igComments.values()].some((c) => c.from.id === demo.instagramAccountId && c.parentId)).toBe(true);
      expect(demo.graphUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v24\.0\/$/);
    } finally {
      await demo.stop();
    }
  });
});
