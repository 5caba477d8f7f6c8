import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AnyStaff, DomainException, ErrorCode, Public } from '@touchbase/core';
import { ApiErrors } from '@touchbase/http';
import {
  AuthenticatedRequest,
  clearSessionCookie,
  sessionCookie,
  setSessionCookie,
} from './auth/staff-auth.guard';
import { SignInThrottledException, StaffAuthService } from './auth/staff-auth.service';
import { StaffSessionsService } from './auth/staff-sessions.service';
import { PasswordResetRequestDto, SessionDto, SetPasswordDto, SignInDto } from './dto/auth.dto';

/** Staff sign-in for the console: session cookie, CSRF token, sign-out, password links. */
@ApiTags('auth')
@Controller('api/v1/auth')
export class AuthController {
  constructor(
    private readonly auth: StaffAuthService,
    private readonly sessions: StaffSessionsService,
  ) {}

  @Post('sign-in')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Sign in with email and password: sets the tb_session cookie',
    description:
      'Wrong password, unknown address and inactive member get the same 401. After 5 failures per ' +
      'address or 20 per IP within 15 minutes: 429 with Retry-After.',
  })
  @ApiErrors(400, 401, 429)
  async signIn(
    @Body() dto: SignInDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SessionDto> {
    try {
      const { staff, session } = await this.auth.signIn(dto.email, dto.password, {
        ip: request.ip ?? 'unknown',
        userAgent: request.headers['user-agent'],
      });
      setSessionCookie(request, response, session.token, session.absoluteExpiresAt);
      return SessionDto.from(staff, session);
    } catch (e) {
      if (e instanceof SignInThrottledException)
        response.setHeader('Retry-After', String(e.retryAfterSeconds));
      throw e;
    }
  }

  @Get('session')
  @AnyStaff()
  @ApiBearerAuth('api-key')
  @ApiOperation({ summary: 'The current session (refreshes its idle expiry); 401 without one' })
  @ApiErrors(401)
  session(@Req() request: AuthenticatedRequest): SessionDto {
    const auth = request.auth!;
    if (!auth.session) throw new DomainException(ErrorCode.Unauthorized, 'No session: sign in');
    return SessionDto.from(auth.staff, auth.session);
  }

  @Post('sign-out')
  @AnyStaff()
  @HttpCode(204)
  @ApiBearerAuth('api-key')
  @ApiOperation({ summary: 'End this session and clear the cookie' })
  @ApiErrors(401, 403)
  async signOut(
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<void> {
    const token = sessionCookie(request);
    if (request.auth?.session && token) await this.sessions.end(token);
    clearSessionCookie(request, response);
  }

  @Post('sign-out-everywhere')
  @AnyStaff()
  @HttpCode(204)
  @ApiBearerAuth('api-key')
  @ApiOperation({ summary: "End all of the member's sessions, in every browser (API keys stay)" })
  @ApiErrors(401, 403)
  async signOutEverywhere(
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<void> {
    await this.sessions.endAll(request.auth!.staff.id);
    if (request.auth?.session) clearSessionCookie(request, response);
  }

  @Post('password-reset')
  @Public()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Email a password reset link (valid 1 hour, single use)',
    description: 'Always 202: whether the address belongs to anyone is not told.',
  })
  @ApiResponse({ status: 202, description: 'Accepted' })
  @ApiErrors(400)
  async requestReset(@Body() dto: PasswordResetRequestDto): Promise<void> {
    await this.auth.requestReset(dto.email);
  }

  @Post('password')
  @Public()
  @HttpCode(204)
  @ApiOperation({
    summary: 'Set the password from a set-password or reset link; ends the other sessions',
    description:
      'The token is used up. 400 when it is unknown, used or expired, or the password is under 10 characters.',
  })
  @ApiErrors(400)
  async setPassword(@Body() dto: SetPasswordDto, @Req() request: Request): Promise<void> {
    const token = sessionCookie(request);
    const current = token ? await this.sessions.authenticate(token) : null;
    await this.auth.setPassword(dto.token, dto.password, current?.session.id);
  }
}
