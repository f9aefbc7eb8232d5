import { defaultWorkspaceSettings } from './schemas/workspace.schema';
import { dropUnsetFields, mergePatch, patchUpdate, UnsafeKeyError, withDefaults } from './settings-merge';

const day = [{ start: '09:00', end: '18:00' }];
const state = () => ({ name: 'Lumi', timezone: 'UTC', currency: 'USD', settings: defaultWorkspaceSettings() });

describe('withDefaults', () => {
  it('fills null and missing blocks and fields, and names them', () => {
    const stored = { ...defaultWorkspaceSettings(), sla: null, costs: { perCall: 30, perSocialInteraction: null }, webhook: null };
    delete (stored as Record<string, unknown>).routingRules;
    const { settings, filled } = withDefaults(stored);
    expect(settings.sla).toEqual({ firstResponseSeconds: 7200, resolutionSeconds: 86400, abandonmentSeconds: 86400 });
    expect(settings.costs).toEqual({ perCall: 30, perSocialInteraction: 1 });
    expect(settings.webhook).toEqual({ url: null });
    expect(settings.routingRules).toEqual([]);
    expect(filled).toEqual(['settings.sla', 'settings.costs.perSocialInteraction', 'settings.webhook', 'settings.routingRules']);
  });

  it('keeps a schedule as stored: a day it does not list has no working time', () => {
    const stored = { ...defaultWorkspaceSettings(), businessHours: { enabled: true, schedule: { sat: day }, holidays: ['2026-12-25'] } };
    const { settings, filled } = withDefaults(stored);
    expect(settings.businessHours.schedule).toEqual({ sat: day });
    expect(filled).toEqual([]);
  });

  it('drops the schedule days the old PATCH stored as null (no working time), and names the schedule', () => {
    const stored = {
      ...defaultWorkspaceSettings(),
      businessHours: { enabled: true, schedule: { mon: day, tue: null, sat: day }, holidays: [] },
    };
    const { settings, filled } = withDefaults(stored);
    expect(settings.businessHours.schedule).toEqual({ mon: day, sat: day });
    expect(filled).toEqual(['settings.businessHours.schedule']);
  });

  it('a whole settings value of null is every default', () => {
    expect(withDefaults(null)).toEqual({ settings: defaultWorkspaceSettings(), filled: ['settings'] });
  });

  it('reports nothing for a webhook url that is null by default', () => {
    expect(withDefaults({ ...defaultWorkspaceSettings(), webhook: { url: null } }).filled).toEqual([]);
  });
});

describe('mergePatch', () => {
  it('changes only the fields sent, at every depth', () => {
    const merged = mergePatch(state(), {
      settings: { sla: { firstResponseSeconds: 600 }, webhook: { url: 'https://h.example/x' } },
    }) as ReturnType<typeof state>;
    expect(merged.settings.sla).toEqual({ firstResponseSeconds: 600, resolutionSeconds: 86400, abandonmentSeconds: 86400 });
    expect(merged.settings.webhook.url).toBe('https://h.example/x');
    expect({ ...merged.settings, sla: null, webhook: null }).toEqual({ ...defaultWorkspaceSettings(), sla: null, webhook: null });
    expect(merged.name).toBe('Lumi');
  });

  it('null resets a block or a field to its default', () => {
    const changed = {
      ...state(),
      settings: {
        ...defaultWorkspaceSettings(),
        sla: { firstResponseSeconds: 60, resolutionSeconds: 60, abandonmentSeconds: 60 },
        socialMediums: ['x'],
      },
    };
    const merged = mergePatch(changed, { settings: { sla: { resolutionSeconds: null }, socialMediums: null } }) as ReturnType<typeof state>;
    expect(merged.settings.sla).toEqual({ firstResponseSeconds: 60, resolutionSeconds: 86400, abandonmentSeconds: 60 });
    expect(merged.settings.socialMediums).toEqual(defaultWorkspaceSettings().socialMediums);
  });

  it('arrays replace; a schedule day merges in, and null takes that day back to its default or off', () => {
    const merged = mergePatch(state(), {
      settings: { businessHours: { schedule: { sat: day, mon: [{ start: '10:00', end: '12:00' }], fri: null }, holidays: ['2026-01-01'] } },
    });
    const hours = (merged as ReturnType<typeof state>).settings.businessHours;
    expect(Object.keys(hours.schedule)).toEqual(['mon', 'tue', 'wed', 'thu', 'fri', 'sat']);
    expect(hours.schedule.mon).toEqual([{ start: '10:00', end: '12:00' }]);
    expect(hours.holidays).toEqual(['2026-01-01']);
    const off = dropUnsetFields(mergePatch(merged, { settings: { businessHours: { schedule: { sat: null, mon: null } } } })) as ReturnType<
      typeof state
    >;
    expect(off.settings.businessHours.schedule).toEqual({ mon: day, tue: day, wed: day, thu: day, fri: day });
  });

  it('keeps a null without a default for validation to see (unknown field, required name)', () => {
    const merged = mergePatch(state(), { slug: null, name: null, settings: { sla: { bogus: null } } }) as Record<string, unknown>;
    expect(merged).toMatchObject({ slug: null, name: null });
    expect((merged.settings as { sla: Record<string, unknown> }).sla.bogus).toBeNull();
  });

  it('refuses a key that would reach the prototype', () => {
    const patch = JSON.parse('{"settings":{"__proto__":{"polluted":true}}}');
    expect(() => mergePatch(state(), patch)).toThrow(UnsafeKeyError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('leaves its inputs untouched', () => {
    const before = state();
    const patch = { settings: { routingRules: [{ keyword: 'card', team: 'cards' }] } };
    const merged = mergePatch(before, patch) as ReturnType<typeof state>;
    merged.settings.routingRules[0].team = 'changed';
    expect(before.settings.routingRules).toEqual([]);
    expect(patch.settings.routingRules[0].team).toBe('cards');
  });
});

describe('patchUpdate', () => {
  it('sets each field the patch names, and nothing else', () => {
    const stored = state();
    const patch = { settings: { sla: { firstResponseSeconds: 600 }, webhook: { url: 'https://h.example/x' } }, name: 'Lumi BR' };
    const merged = mergePatch(stored, patch) as Record<string, unknown>;
    expect(patchUpdate(patch, stored, merged)).toEqual({
      $set: { 'settings.sla.firstResponseSeconds': 600, 'settings.webhook.url': 'https://h.example/x', name: 'Lumi BR' },
      $unset: {},
    });
  });

  it('sets a whole block where the stored one is null, and unsets a day taken off', () => {
    const stored = { ...state(), settings: { ...defaultWorkspaceSettings(), sla: null } } as unknown as Record<string, unknown>;
    const filled = { ...stored, settings: withDefaults(stored.settings).settings };
    const patch = { settings: { sla: { abandonmentSeconds: 3600 }, businessHours: { schedule: { fri: null, sat: null } } } };
    const merged = dropUnsetFields(mergePatch(filled, patch)) as Record<string, unknown>;
    const { $set, $unset } = patchUpdate(patch, stored, merged);
    expect($set).toEqual({
      'settings.sla': { firstResponseSeconds: 7200, resolutionSeconds: 86400, abandonmentSeconds: 3600 },
      'settings.businessHours.schedule.fri': day,
    });
    expect($unset).toEqual({});
    const withSat = {
      ...state(),
      settings: { ...defaultWorkspaceSettings(), businessHours: { enabled: false, schedule: { sat: day }, holidays: [] } },
    };
    const off = { settings: { businessHours: { schedule: { sat: null } } } };
    expect(patchUpdate(off, withSat, dropUnsetFields(mergePatch(withSat, off)) as Record<string, unknown>).$unset).toEqual({
      'settings.businessHours.schedule.sat': '',
    });
  });
});
