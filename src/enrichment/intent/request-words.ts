/**
 * Three short word lists, written for this project, that let the intent model generalise from a
 * few hundred labelled posts: the things a customer writes to a company about (an account, a
 * card, an order, a signal) the words of a problem (failed, missing, still, sumiu, travou) and of time passing (days,
 * desde, ja).
 * "saudade das ferias" has neither, "o pix sumiu" has both; a word the labelled posts never
 * used still counts. Folded forms (lower case, no accents).
 */
const SERVICE_WORDS = `
account accounts card cards debit credit bank transfer transfers transferred payment payments pay paid refund refunds
charge charged charges fee fees bill billing invoice statement balance deposit withdraw withdrawal atm pin password
login app website order orders ordered delivery delivered package parcel shipping tracking subscription plan
contract internet wifi broadband signal network line sim phone router service support agent branch ticket transaction
transactions top-up topup limit loan cash money salary wallet verification verify identity code luggage bag flight
booking reservation replacement item product insurance callback technician visit agents email emails answer reply
fix fixed cancel cancelled canceled cancellation billed refunded customer courier warranty
conta contas cartao cartoes debito credito banco transferencia transferencias pix ted pagamento pagar paguei pago
boleto fatura reembolso estorno cobranca cobrancas cobraram cobrado cobrada taxa tarifa anuidade juros saldo extrato
deposito saque sacar caixa senha login app aplicativo site pedido pedidos compra comprei entrega entregue encomenda
rastreio frete assinatura plano contrato internet wifi sinal rede linha chip celular modem roteador atendimento
atendente suporte sac agencia protocolo limite emprestimo dinheiro salario verificacao codigo token mala bagagem voo
passagem reserva produto troca trocar devolucao cadastro cpf recarga seguro parcela parcelas cancelamento cancelei
cancelar cobrando cobrar ligar liguei ligacao chamado email retorno resposta solucao resolver tecnico visita
assistencia mensalidade multa fidelidade operadora garantia portabilidade
`;

const PROBLEM_WORDS = `
failed fail fails failing error declined blocked locked missing stolen lost wrong twice double still yet pending
stuck broken cracked damaged defect defective frozen hacked disappeared reversed unauthorized fraud late delay delayed
cancelled canceled charged overcharged problem issue issues down crashed crashing hold waiting nobody without loops
again trying tried difficult rude disrespectful scratched dented
erro falhou falha recusado recusada recusou bloqueado bloqueada bloquearam sumiu sumiram roubado roubaram perdi errado
errada duas ainda pendente parado parada quebrado quebrada defeito danificado hackeado hackeada invadida invadiram
clonaram clonado indevida indevido atrasado atrasada atraso cancelaram travou trava travando caiu demora demorando
aguardando esperando problema problemas consigo consegui ninguem promessa promessas impossivel continua continuam
sem tentando tentei tentativas dificuldade dificil grosseiro grosseira grosseria descaso desrespeito arranhado
arranhoes riscado amassado
`;

/** How long something has taken: a customer counting the days is waiting for an answer. */
const TIME_WORDS = `
minutes minute hours hour days day weeks week months month yesterday since already
minutos minuto horas hora dias dia semanas semana meses mes ontem desde ja faz
`;

/**
 * Words of a problem that is over or never came (solved, arrived, working, quick, resolveram,
 * chegou, funcionando, rapidinho): "o estorno caiu em 2 dias, nunca vi tão rápido" tells a
 * story of a fix, not a request. Inside a negation's scope they count as a problem instead
 * ("não resolveram", "not fixed").
 */
const SOLVED_WORDS = `
solved sorted fixed resolved arrived received working works worked quick quickly fast faster speedy smooth smoothly
perfect perfectly flawless seamless hassle-free painless easy easily instantly promptly efficient
resolvido resolvida resolvidos resolveram resolveu resolvi solucionado solucionaram chegou chegaram chegando
recebi funcionando funciona funcionou rapido rapida rapidinho rapidez agilidade agil eficiente eficiencia certinho
certinha perfeito perfeita tranquilo tranquila facil facilidade pratico pratica instantaneo burocracia
`;

const words = (list: string) => list.split(/\s+/).filter(Boolean);

export const SERVICE = 1;
export const PROBLEM = 2;
export const TIME = 4;
export const SOLVED = 8;

/** Folded word -> SERVICE | PROBLEM bits. */
export const REQUEST_WORDS: ReadonlyMap<string, number> = (() => {
  const map = new Map<string, number>();
  for (const w of words(SERVICE_WORDS)) map.set(w, (map.get(w) ?? 0) | SERVICE);
  for (const w of words(PROBLEM_WORDS)) map.set(w, (map.get(w) ?? 0) | PROBLEM);
  for (const w of words(TIME_WORDS)) map.set(w, (map.get(w) ?? 0) | TIME);
  for (const w of words(SOLVED_WORDS)) map.set(w, (map.get(w) ?? 0) | SOLVED);
  return map;
})();
