// The shipped Azure Monitor workbook (infra/workbook/acs-diagnostics.workbook.json), shared in the resource
// group. Its queries call the app's HTTP API through the Custom endpoint data source; the template fills in the
// API URL and the function key, so the workbook works as deployed.

import { withParameterDefaults } from 'workbook-defaults.bicep'

@description('Region.')
param location string

@description('Tags.')
param tags object

@description('Display name in the Workbooks gallery (unique per resource group).')
param displayName string

@description('Resource the workbook is listed under (e.g. the ACS resource id), or \'Azure Monitor\' for the Monitor gallery.')
param sourceId string

@description('Seed of the workbook\'s deterministic name.')
param nameSeed string

@description('Base URL of the HTTP API (the workbook parameter ApiBaseUrl).')
param apiBaseUrl string

@description('Function key the workbook sends as the x-functions-key header (the workbook parameter ApiKey). Stored in the workbook, so readable by everyone who can read the workbook.')
@secure()
param apiKey string

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: guid(resourceGroup().id, nameSeed, 'acs-diagnostics-workbook')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: displayName
    category: 'workbook'
    sourceId: sourceId
    version: 'Notebook/1.0'
    serializedData: string(withParameterDefaults(loadJsonContent('../workbook/acs-diagnostics.workbook.json'), {
      ApiBaseUrl: apiBaseUrl
      ApiKey: apiKey
    }))
  }
}

@description('Workbook resource id.')
output workbookId string = workbook.id
