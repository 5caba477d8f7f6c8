import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
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
      'Only to a target the message’s template produced; any other code (an altered one included) answers 404.',
  })
  @ApiParam({ name: 'code', example: 'k3J9aQx2Lb' })
  @ApiResponse({ status: 302, description: 'To the link’s target' })
  @ApiResponse({ status: 404, description: 'No such link (an HTML page in Russian and English)' })
  async follow(@Param('code') code: string, @Res() res: Response): Promise<void> {
    const target = await this.links.click(code);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    if (!target) {
      res.status(404).type('html').send(NOT_FOUND_PAGE);
      return;
    }
    res.redirect(302, target);
  }
}
