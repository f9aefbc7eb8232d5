import { defaultWorkspaceSettings } from './schemas/workspace.schema';
import { workspaceViewForRole } from './workspaces.controller';
import type { WorkspaceView } from './workspaces.service';

describe('workspaceViewForRole', () => {
  const view: WorkspaceView = {
    id: '65f000000000000000000001',
    name: 'Lumi',
    slug: 'lumi-abc123',
    timezone: 'America/Sao_Paulo',
    currency: 'BRL',
    settings: { ...defaultWorkspaceSettings(), webhook: { url: 'https://hooks.slack.com/services/T0/B0/secret-token' } },
  };

  it('shows an admin the whole workspace, webhook URL included', () => {
    expect(workspaceViewForRole(view, 'admin')).toEqual(view);
  });

  it.each(['analyst', 'agent'] as const)('shows an %s key everything but the webhook', (role) => {
    const shown = workspaceViewForRole(view, role);
    expect(JSON.stringify(shown)).not.toContain('secret-token');
    expect(shown.settings).not.toHaveProperty('webhook');
    const { webhook: _w, ...rest } = view.settings;
    expect(shown).toEqual({ ...view, settings: rest });
    expect(view.settings.webhook.url).toContain('secret-token');
  });
});
