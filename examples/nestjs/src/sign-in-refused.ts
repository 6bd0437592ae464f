import { BadRequestException } from '@nestjs/common';

/** A sign-in form without a usable name: `PageErrors` answers with the form again and why (400). */
export class SignInRefused extends BadRequestException {}
