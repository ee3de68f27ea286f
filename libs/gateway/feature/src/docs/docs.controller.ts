import { Controller, Get, Header, Inject } from '@nestjs/common';
import { GATEWAY_SETTINGS, type GatewaySettings } from '../gateway-settings';
import { DOCS_PAGE } from './docs-page';
import { loadOpenApiDocuments, type OpenApiDocuments } from './openapi-documents';

/** Public: the contract (verbatim), our extensions and a browsable reference page. */
@Controller()
export class DocsController {
  private readonly docs: OpenApiDocuments;

  constructor(@Inject(GATEWAY_SETTINGS) settings: GatewaySettings) {
    this.docs = loadOpenApiDocuments(settings.gateway.openapiDir);
  }

  @Get('openapi.yaml')
  @Header('Content-Type', 'application/yaml; charset=utf-8')
  baseYaml(): string {
    return this.docs.baseYaml;
  }

  @Get('openapi.json')
  @Header('Content-Type', 'application/json; charset=utf-8')
  baseJson(): string {
    return this.docs.baseJson;
  }

  @Get('openapi/extensions.yaml')
  @Header('Content-Type', 'application/yaml; charset=utf-8')
  extensionsYaml(): string {
    return this.docs.extensionsYaml;
  }

  @Get('openapi/extensions.json')
  @Header('Content-Type', 'application/json; charset=utf-8')
  extensionsJson(): string {
    return this.docs.extensionsJson;
  }

  @Get('docs')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', "default-src 'self'; script-src 'unsafe-inline' 'self'; style-src 'unsafe-inline'")
  page(): string {
    return DOCS_PAGE;
  }
}
