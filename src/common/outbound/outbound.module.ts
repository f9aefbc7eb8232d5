import { Global, Module } from '@nestjs/common';
import { Settings, SETTINGS } from '../../config/settings';
import { installOutboundPolicy, OutboundPolicy } from './address-policy';
import { OutboundClient } from './outbound-client';

/**
 * The outbound HTTP client, built from the installation's OUTBOUND_* settings. Building it also
 * installs the same policy for the checks made at validation time (IsOutboundUrl), so a URL is
 * judged by one set of rules whether it is being saved or called.
 */
@Global()
@Module({
  providers: [
    {
      provide: OutboundPolicy,
      inject: [SETTINGS],
      useFactory: (settings: Settings) => {
        const policy = new OutboundPolicy(settings.outbound);
        installOutboundPolicy(policy);
        return policy;
      },
    },
    {
      provide: OutboundClient,
      inject: [OutboundPolicy, SETTINGS],
      useFactory: (policy: OutboundPolicy, settings: Settings) => new OutboundClient(policy, { dnsServers: settings.outbound.dnsServers }),
    },
  ],
  exports: [OutboundPolicy, OutboundClient],
})
export class OutboundModule {}
