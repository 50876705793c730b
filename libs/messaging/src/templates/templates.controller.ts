import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentStaff } from '@beacon/auth';
import { Staff, UuidParam, type StaffPrincipal, type StaffRole } from '@beacon/core';
import { CreateTemplateDto, TemplateDto, TemplateListQueryDto, TemplatePageDto, UpdateTemplateDto } from './template.dto';
import { TemplateService } from './template.service';

const TEMPLATE_WRITERS: StaffRole[] = ['admin', 'eco', 'officer', 'npu_lead'];

@ApiTags('messages')
@Controller('api/v1/templates')
export class TemplatesController {
  constructor(private readonly templates: TemplateService) {}

  @Staff()
  @Get()
  @ApiOperation({ summary: 'Message templates: force-wide ones and those of the caller\'s NPU (or ?npu=)' })
  @ApiOkResponse({ type: TemplatePageDto })
  list(@CurrentStaff() me: StaffPrincipal, @Query() q: TemplateListQueryDto) {
    return this.templates.list(me, q);
  }

  @Staff({ roles: TEMPLATE_WRITERS, npuFrom: ['body.npuCode'] })
  @Post()
  @ApiOperation({ summary: 'A template of an NPU (force-wide: force-wide admins only)' })
  @ApiCreatedResponse({ type: TemplateDto })
  create(@CurrentStaff() me: StaffPrincipal, @Body() dto: CreateTemplateDto): Promise<TemplateDto> {
    return this.templates.create(me, dto);
  }

  @Staff({ roles: TEMPLATE_WRITERS })
  @Patch(':id')
  @ApiOkResponse({ type: TemplateDto })
  update(@CurrentStaff() me: StaffPrincipal, @Param('id', UuidParam) id: string, @Body() dto: UpdateTemplateDto): Promise<TemplateDto> {
    return this.templates.update(me, id, dto);
  }

  @Staff({ roles: TEMPLATE_WRITERS })
  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted (messages composed from it keep their text)' })
  async remove(@CurrentStaff() me: StaffPrincipal, @Param('id', UuidParam) id: string): Promise<void> {
    await this.templates.remove(me, id);
  }
}
