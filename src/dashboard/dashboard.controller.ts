import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { PREVIEW_STYLE_CSP_HASH } from '../digests/render/html';
import { Public } from '../workspaces/auth/auth.decorators';
import { DashboardFile, DashboardFiles } from './dashboard-files';

/**
 * Scripts and styles only from this origin, no inline code, no plugins or frames; the page talks
 * only to this service's API. ECharts draws on canvas (tooltips in rich-text mode), so no inline
 * styles are needed either. The one <style> allowed, by its hash, is a digest preview's fixed
 * style sheet: the preview is shown in a sandboxed srcdoc iframe, which inherits this policy.
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  `style-src 'self' ${PREVIEW_STYLE_CSP_HASH}`,
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The web dashboard: a static single-page app at `/` that calls the JSON API with the user's key. */
@ApiExcludeController()
@Public()
@Controller()
export class DashboardController {
  constructor(private readonly files: DashboardFiles) {}

  @Get()
  index(@Res() res: Response) {
    this.send(res, this.files.index);
  }

  @Get('assets/*path')
  asset(@Param('path') path: string | string[], @Res() res: Response) {
    const name = Array.isArray(path) ? path.join('/') : path;
    const file = this.files.asset(name);
    if (!file) throw new NotFoundException(`no dashboard asset ${name}`);
    this.send(res, file);
  }

  private send(res: Response, file: DashboardFile) {
    res.setHeader('Content-Security-Policy', DASHBOARD_CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Cache-Control', file.vendor ? 'public, max-age=86400' : 'no-cache');
    res.type(file.type);
    res.sendFile(file.path);
  }
}
