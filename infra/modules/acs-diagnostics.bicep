// The diagnostic setting on an existing Azure Communication Services resource: every log category
// (categoryGroup allLogs, so new categories flow without a redeploy) streamed to our hub, optionally the
// platform metrics too (what acs-diag reconcile compares against).

@description('Name of the existing Communication Services resource (in this module\'s resource group).')
param communicationServiceName string

@description('Name of the diagnostic setting.')
param settingName string

@description('Resource id of the Event Hubs namespace authorization rule (Manage, Send, Listen).')
param eventHubAuthorizationRuleId string

@description('Hub to stream to.')
param eventHubName string

@description('Also stream AllMetrics to the hub. The app ignores metric records; reconcile reads metrics from Azure Monitor.')
param includeMetrics bool

@description('Principal id of the app identity: it reads the platform metrics for the scheduled reconciliation.')
param appPrincipalId string

var monitoringReader = '43d0d8ad-25c7-4714-9337-8ba259a9fe05'

resource acs 'Microsoft.Communication/communicationServices@2023-04-01' existing = {
  name: communicationServiceName
}

resource setting 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: settingName
  scope: acs
  properties: {
    eventHubAuthorizationRuleId: eventHubAuthorizationRuleId
    eventHubName: eventHubName
    logs: [
      {
        categoryGroup: 'allLogs'
        enabled: true
      }
    ]
    metrics: includeMetrics
      ? [
          {
            category: 'AllMetrics'
            enabled: true
          }
        ]
      : []
  }
}

// The scheduled reconciliation reads the resource's API-request metrics with the app identity.
resource metricsReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(acs.id, appPrincipalId, monitoringReader)
  scope: acs
  properties: {
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringReader)
  }
}

@description('Resource id of the ACS resource.')
output communicationServiceId string = acs.id

@description('Resource id of the diagnostic setting.')
output settingId string = setting.id
