// Logs and telemetry of the Functions app: a Log Analytics workspace and a workspace-based Application Insights
// component with local (key) authentication off, so the app sends telemetry with its managed identity.

@description('Log Analytics workspace name.')
param workspaceName string

@description('Application Insights component name.')
param applicationInsightsName string

@description('Region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Days the workspace keeps logs.')
@minValue(30)
@maxValue(730)
param retentionInDays int

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: workspaceName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
  }
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: applicationInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: true
  }
}

@description('Log Analytics workspace resource id (where the app\'s own resources send their diagnostic settings).')
output workspaceId string = workspace.id

@description('Application Insights resource id (scope of the identity\'s Monitoring Metrics Publisher role).')
output applicationInsightsId string = applicationInsights.id

@description('Application Insights component name.')
output applicationInsightsName string = applicationInsights.name

@description('Connection string (no secret: ingestion requires Entra ID because local auth is off).')
output connectionString string = applicationInsights.properties.ConnectionString
