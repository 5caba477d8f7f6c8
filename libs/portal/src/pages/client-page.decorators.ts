import { applyDecorators, Get, Header, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiProduces } from '@nestjs/swagger';
import { Public } from '@touchbase/core';

const HTML = 'text/html; charset=utf-8';

/** A public client page (HTML, rate limited per IP like every public route). */
export function ClientPageGet(path: string, summary: string): MethodDecorator {
  return applyDecorators(
    Get(path),
    Public(),
    Header('Content-Type', HTML),
    ApiProduces('text/html'),
    ApiOperation({ summary }),
  );
}

/** A form post of a client page: answers 200 with a page (or redirects itself). */
export function ClientPagePost(path: string, summary: string, description?: string): MethodDecorator {
  return applyDecorators(
    Post(path),
    HttpCode(200),
    Public(),
    Header('Content-Type', HTML),
    ApiProduces('text/html'),
    ApiOperation({ summary, description }),
  );
}
