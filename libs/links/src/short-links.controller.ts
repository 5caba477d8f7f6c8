import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '@touchbase/core';
import { ShortLinksService } from './short-links.service';

const NOT_FOUND_PAGE = `<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Ссылка не найдена / Link not found</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 36rem; margin: 3rem auto; padding: 0 1rem; color: #222">
<h1 style="font-size: 1.4rem">Ссылка не найдена</h1>
<p>Проверьте, что ссылка скопирована целиком.</p>
<h2 lang="en" style="font-size: 1.2rem">Link not found</h2>
<p lang="en">Check that the whole link was copied.</p>
</body></html>`;

/** A transparent 1×1 GIF. */
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

@ApiTags('links')
@Controller('o')
export class OpenPixelController {
  constructor(private readonly links: ShortLinksService) {}

  @Get(':key')
  @Public({ throttle: false })
  @ApiOperation({
    summary: 'The open pixel of an email: counts an open of its delivery and answers a 1×1 GIF',
    description:
      'Opens by machines (Apple Mail Privacy Protection, security scanners, HEAD requests) are counted apart. ' +
      'Always the same GIF, known key or not.',
  })
  @ApiParam({ name: 'key', example: 'k3J9aQx2L' })
  @ApiResponse({ status: 200, description: 'image/gif, 1×1, not to be cached' })
  async open(@Param('key') key: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.links.open(key, {
      method: req.method,
      userAgent: req.get('user-agent') ?? null,
      ip: req.ip ?? null,
    });
    res.setHeader('Cache-Control', 'no-store, no-cache, must-revalidate, private');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.status(200).type('image/gif').send(PIXEL);
  }
}

@ApiTags('links')
@Controller('r')
export class ShortLinksController {
  constructor(private readonly links: ShortLinksService) {}

  // Not rate limited: codes cannot be guessed (53 random bits), and a whole office behind one address
  // may click the same newsletter at once.
  @Get(':code')
  @Public({ throttle: false })
  @ApiOperation({
    summary: 'A short link from a message: counts the click on its delivery and redirects to its target',
    description:
      'Only to a target the message’s template produced; any other code (an altered one included) answers 404. ' +
      'Clicks by machines (HEAD requests, bots, mail security scanners) are counted apart, never as engagement.',
  })
  @ApiParam({ name: 'code', example: 'k3J9aQx2Lb' })
  @ApiResponse({ status: 302, description: 'To the link’s target' })
  @ApiResponse({ status: 404, description: 'No such link (an HTML page in Russian and English)' })
  async follow(@Param('code') code: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    // HEAD requests and scanners' user agents are counted apart, never as a person's click.
    const target = await this.links.click(code, {
      method: req.method,
      userAgent: req.get('user-agent') ?? null,
    });
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    if (!target) {
      res.status(404).type('html').send(NOT_FOUND_PAGE);
      return;
    }
    res.redirect(302, target);
  }
}
