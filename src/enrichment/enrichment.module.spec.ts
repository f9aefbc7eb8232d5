import { Test } from '@nestjs/testing';
import { EnrichmentModule } from './enrichment.module';
import { EnrichmentService } from './enrichment.service';

describe('EnrichmentModule', () => {
  it('wires the four steps into an EnrichmentService that other modules can inject', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [EnrichmentModule] }).compile();
    const service = moduleRef.get(EnrichmentService);
    const routingRules = [{ keyword: 'cartao', team: 'cards' }];
    const result = service.enrich({ text: 'meu cartão foi bloqueado, me ajudem', platformLang: 'pt' }, { routingRules });
    expect(result).toEqual({
      lang: 'pt',
      sentiment: { score: expect.any(Number), label: 'negative' },
      intent: 'support',
      routing: { team: 'cards', keyword: 'cartao' },
    });
    await moduleRef.close();
  });
});
