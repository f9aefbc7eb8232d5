import { defaultWorkspaceCap } from './read-quotas.service';

describe('defaultWorkspaceCap', () => {
  it('shares the installation cap equally among the workspaces, rounded down', () => {
    expect(defaultWorkspaceCap(10_000, null, 1)).toEqual({ cap: 10_000, source: 'fair share' });
    expect(defaultWorkspaceCap(10_000, null, 3)).toEqual({ cap: 3333, source: 'fair share' });
    expect(defaultWorkspaceCap(10_000, null, 4)).toEqual({ cap: 2500, source: 'fair share' });
  });

  it('never leaves a workspace without a single read, nor divides by zero', () => {
    expect(defaultWorkspaceCap(5, null, 8)).toEqual({ cap: 1, source: 'fair share' });
    expect(defaultWorkspaceCap(100, null, 0)).toEqual({ cap: 100, source: 'fair share' });
  });

  it('takes X_WORKSPACE_MONTHLY_READ_CAP when set (0: no cap of its own)', () => {
    expect(defaultWorkspaceCap(10_000, 4000, 5)).toEqual({ cap: 4000, source: 'setting' });
    expect(defaultWorkspaceCap(10_000, 0, 5)).toEqual({ cap: 0, source: 'none' });
  });

  it('has no workspace cap when the installation has none and none is set', () => {
    expect(defaultWorkspaceCap(0, null, 3)).toEqual({ cap: 0, source: 'none' });
  });
});
