import { agentReport, assignmentSegments, onlineSeconds } from './agents';
import { at, caseRow } from './row-builders-spec';
import { AgentRow, PresenceEvent } from './rows';

const range = { from: at('2024-03-04T00:00:00Z'), to: at('2024-03-11T00:00:00Z') };
const now = at('2024-03-10T12:00:00Z');
const HOUR = 3600;

const directory: AgentRow[] = [
  { agentId: 'ana', team: 'T1' },
  { agentId: 'bia', team: 'T1' },
  { agentId: 'caio', team: 'T2' },
];

const cases = [
  // ana: assigned 09:05, answers at 09:35 (FRT 35 min), resolves 11:05 (handle 2 h)
  caseRow('k1', '2024-03-04T09:00:00Z', {
    assignee: 'ana',
    team: 'T1',
    assignedAt: at('2024-03-04T09:05:00Z'),
    routingKeyword: 'billing',
    firstResponseAt: at('2024-03-04T09:35:00Z'),
    status: 'resolved',
    resolvedAt: at('2024-03-04T11:05:00Z'),
    resolutions: [at('2024-03-04T11:05:00Z')],
  }),
  // ana → caio at 10:30 (30 min after opening); caio answers at 11:00 (FRT 1 h), resolves 13:30 (handle 3 h)
  caseRow('k2', '2024-03-05T10:00:00Z', {
    assignee: 'caio',
    team: 'T2',
    assignedAt: at('2024-03-05T10:00:00Z'),
    routingKeyword: 'billing',
    reassignments: [{ at: at('2024-03-05T10:30:00Z'), fromAgent: 'ana', toAgent: 'caio', fromTeam: 'T1', toTeam: 'T2' }],
    firstResponseAt: at('2024-03-05T11:00:00Z'),
    status: 'resolved',
    resolvedAt: at('2024-03-05T13:30:00Z'),
    resolutions: [at('2024-03-05T13:30:00Z')],
  }),
  // bia answers at 08:20 (FRT 20 min), hands to ana at 09:00 (1 h), who hands to caio at 10:00 (2 h); open
  caseRow('k3', '2024-03-06T08:00:00Z', {
    assignee: 'caio',
    team: 'T2',
    assignedAt: at('2024-03-06T08:00:00Z'),
    routingKeyword: 'delivery',
    firstResponseAt: at('2024-03-06T08:20:00Z'),
    reassignments: [
      { at: at('2024-03-06T09:00:00Z'), fromAgent: 'bia', toAgent: 'ana' },
      { at: at('2024-03-06T10:00:00Z'), fromAgent: 'ana', toAgent: 'caio' },
    ],
  }),
  // opened before the range, reopened 03-07 10:00 and closed again by bia at 12:00 (handle 2 h)
  caseRow('k4', '2024-03-03T20:00:00Z', {
    assignee: 'bia',
    team: 'T1',
    assignedAt: at('2024-03-03T20:00:00Z'),
    firstResponseAt: at('2024-03-03T20:10:00Z'),
    status: 'resolved',
    resolvedAt: at('2024-03-07T12:00:00Z'),
    resolutions: [at('2024-03-04T08:00:00Z'), at('2024-03-07T12:00:00Z')],
    reopenCount: 1,
    lastReopenedAt: at('2024-03-07T10:00:00Z'),
  }),
  // caio, open and unanswered
  caseRow('k5', '2024-03-10T10:00:00Z', {
    assignee: 'caio',
    team: 'T2',
    assignedAt: at('2024-03-10T10:00:00Z'),
    routingKeyword: 'billing',
  }),
  // all before the range
  caseRow('k6', '2024-03-01T00:00:00Z', {
    assignee: 'ana',
    team: 'T1',
    assignedAt: at('2024-03-01T00:00:00Z'),
    firstResponseAt: at('2024-03-01T00:30:00Z'),
    status: 'resolved',
    resolvedAt: at('2024-03-02T00:00:00Z'),
    resolutions: [at('2024-03-02T00:00:00Z')],
    routingKeyword: 'billing',
  }),
];

const presence: PresenceEvent[] = [
  { agentId: 'ana', at: at('2024-03-03T22:00:00Z'), status: 'online' }, // last event before the range
  { agentId: 'ana', at: at('2024-03-04T02:00:00Z'), status: 'away' },
  { agentId: 'ana', at: at('2024-03-04T08:00:00Z'), status: 'online' },
  { agentId: 'ana', at: at('2024-03-04T17:00:00Z'), status: 'offline' },
  { agentId: 'bia', at: at('2024-03-10T08:00:00Z'), status: 'online' },
  { agentId: 'bia', at: at('2024-03-10T09:00:00Z'), status: 'online' }, // still online
  { agentId: 'caio', at: at('2024-03-09T10:00:00Z'), status: 'online' },
  { agentId: 'caio', at: at('2024-03-09T12:00:00Z'), status: 'away' },
  { agentId: 'caio', at: at('2024-03-09T13:00:00Z'), status: 'offline' },
];

describe('agent report', () => {
  const report = agentReport({ cases, presence, agents: directory }, range, now);
  const agent = (id: string) => report.agents.find((a) => a.agentId === id);
  const team = (id: string) => report.teams.find((t) => t.team === id);

  it('reports each agent', () => {
    expect(agent('ana')).toEqual({
      agentId: 'ana',
      team: 'T1',
      casesHandled: 3, // k1, k2 (until 10:30), k3 (09:00-10:00)
      casesClosed: 1, // k1
      meanHandleSeconds: 2 * HOUR, // k1: 09:05 → 11:05
      meanFirstResponseSeconds: 35 * 60, // k1
      openCasesNow: 0,
      reassignments: 2, // k2, k3
      meanTimeToRerouteSeconds: 4500, // (k2 30 min + k3 2 h) / 2 = (1800 + 7200) / 2
      onlineSeconds: 11 * HOUR, // 00:00-02:00 (online since the 3rd) + 08:00-17:00
    });
    expect(agent('bia')).toEqual({
      agentId: 'bia',
      team: 'T1',
      casesHandled: 2, // k3, k4
      casesClosed: 1, // k4
      meanHandleSeconds: 2 * HOUR, // k4: reopened 10:00 → resolved 12:00
      meanFirstResponseSeconds: 20 * 60, // k3
      openCasesNow: 0,
      reassignments: 1, // k3
      meanTimeToRerouteSeconds: HOUR, // k3: 08:00 → 09:00
      onlineSeconds: 4 * HOUR, // 08:00 → now (12:00)
    });
    expect(agent('caio')).toEqual({
      agentId: 'caio',
      team: 'T2',
      casesHandled: 3, // k2, k3, k5
      casesClosed: 1, // k2
      meanHandleSeconds: 3 * HOUR, // k2: 10:30 → 13:30
      meanFirstResponseSeconds: HOUR, // k2
      openCasesNow: 2, // k3, k5
      reassignments: 0,
      meanTimeToRerouteSeconds: null,
      onlineSeconds: 2 * HOUR, // 10:00 → 12:00 (away is not online)
    });
  });

  it('reports each team without counting a case twice', () => {
    expect(team('T1')).toEqual({
      team: 'T1',
      casesHandled: 4, // k1, k2, k3 (bia then ana: once), k4
      casesClosed: 2, // k1, k4
      meanHandleSeconds: 2 * HOUR, // (7200 + 7200) / 2
      meanFirstResponseSeconds: 1650, // (k1 2100 + k3 1200) / 2
      openCasesNow: 0,
      reassignments: 3, // k2 ana, k3 bia, k3 ana
      meanTimeToRerouteSeconds: 4200, // (1800 + 3600 + 7200) / 3
      onlineSeconds: 15 * HOUR, // ana 11 h + bia 4 h
    });
    expect(team('T2')).toMatchObject({
      casesHandled: 3,
      casesClosed: 1,
      meanHandleSeconds: 3 * HOUR,
      openCasesNow: 2,
      reassignments: 0,
      onlineSeconds: 2 * HOUR,
    });
  });

  it('reports routing keywords', () => {
    expect(report.routingKeywords).toEqual([
      { keyword: 'billing', casesRouted: 3, reroutes: 1, meanTimeToRerouteSeconds: 1800 }, // k1, k2, k5; k2 after 30 min
      { keyword: 'delivery', casesRouted: 1, reroutes: 2, meanTimeToRerouteSeconds: 5400 }, // k3 after 1 h and 2 h
    ]);
  });
});

describe('open cases now', () => {
  it('counts pending cases as open and closed ones not', () => {
    const report = agentReport(
      {
        cases: [
          caseRow('p1', '2024-03-05T10:00:00Z', { status: 'pending', assignee: 'ana', team: 'T1', assignedAt: at('2024-03-05T10:00:00Z') }),
          caseRow('p2', '2024-03-05T10:00:00Z', { status: 'open', assignee: 'ana', team: 'T1', assignedAt: at('2024-03-05T10:00:00Z') }),
          caseRow('p3', '2024-03-05T10:00:00Z', {
            status: 'abandoned',
            abandonedAt: at('2024-03-06T10:00:00Z'),
            assignee: 'ana',
            team: 'T1',
            assignedAt: at('2024-03-05T10:00:00Z'),
          }),
        ],
        presence: [],
        agents: directory,
      },
      range,
      now,
    );
    expect(report.agents.find((a) => a.agentId === 'ana')).toMatchObject({ openCasesNow: 2, casesHandled: 3 });
    expect(report.teams.find((t) => t.team === 'T1')).toMatchObject({ openCasesNow: 2 });
  });
});

describe('onlineSeconds', () => {
  it('clips to the range and stops at away or offline', () => {
    const events: PresenceEvent[] = [
      { agentId: 'a', at: at('2024-03-10T23:00:00Z'), status: 'online' },
      { agentId: 'a', at: at('2024-03-11T01:00:00Z'), status: 'offline' },
    ];
    // only 23:00 → 24:00 lies in the range
    expect(onlineSeconds(events, 'a', range, at('2024-03-12T00:00:00Z'))).toBe(HOUR);
    expect(onlineSeconds(events, 'b', range, at('2024-03-12T00:00:00Z'))).toBe(0);
  });
});

describe('assignmentSegments', () => {
  it('takes teams from the move, else the directory, and the current one from the case', () => {
    const segments = assignmentSegments(cases[2], (agent) => (agent === 'bia' || agent === 'ana' ? 'T1' : 'T2'));
    expect(segments.map((s) => [s.agent, s.team, s.start.toISOString(), s.end?.toISOString() ?? null])).toEqual([
      ['bia', 'T1', '2024-03-06T08:00:00.000Z', '2024-03-06T09:00:00.000Z'],
      ['ana', 'T1', '2024-03-06T09:00:00.000Z', '2024-03-06T10:00:00.000Z'],
      ['caio', 'T2', '2024-03-06T10:00:00.000Z', null],
    ]);
    expect(assignmentSegments(caseRow('x', '2024-03-06T08:00:00Z'))).toEqual([]);
  });
});
