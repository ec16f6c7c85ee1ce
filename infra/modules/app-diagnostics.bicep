// Diagnostic settings on the app's OWN resources, sent to the app's Log Analytics workspace (never to the hub: the hub
// carries ACS logs to the app, and the app's own logs there would be read back as input). What an operator looks at when
// the namespace throttles or storage refuses the app's identity (the Transaction metric's errors; with storageRequestLogs,
// 403 AuthorizationPermissionMismatch per request in StorageBlobLogs / StorageTableLogs). The function app itself gets
// none: Flex Consumption takes no diagnostic settings on the app (its host logs go to Application Insights).

@description('Resource id of the Log Analytics workspace the settings send to.')
param workspaceId string

@description('Name of every diagnostic setting this module creates.')
param settingName string

@description('Event Hubs namespace name.')
param eventHubNamespaceName string

@description('Storage account name (its blob and table services get a setting).')
param storageAccountName string

@description('Also send the storage services\' per-request logs (one row per request: volume grows with traffic).')
param storageRequestLogs bool

resource namespace 'Microsoft.EventHub/namespaces@2024-01-01' existing = {
  name: eventHubNamespaceName
}

resource account 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: storageAccountName
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2024-01-01' existing = {
  parent: account
  name: 'default'
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2024-01-01' existing = {
  parent: account
  name: 'default'
}

// Storage services log per request (the status, the caller's identity, the operation), in the categories below, only
// with storageRequestLogs; the Transaction metric counts requests by response type (AuthorizationError included).
var storageLogs = [
  {
    category: 'StorageRead'
    enabled: true
  }
  {
    category: 'StorageWrite'
    enabled: true
  }
  {
    category: 'StorageDelete'
    enabled: true
  }
]
var storageMetrics = [
  {
    category: 'Transaction'
    enabled: true
  }
]

// Event Hubs: every log category of the namespace (operational, auto-scale, runtime and the rest, allLogs so new ones
// follow without a redeploy) and its metrics (throttled requests, incoming/outgoing messages, server errors).
resource namespaceSetting 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: settingName
  scope: namespace
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        categoryGroup: 'allLogs'
        enabled: true
      }
    ]
    metrics: [
      {
        category: 'AllMetrics'
        enabled: true
      }
    ]
  }
}

resource blobSetting 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: settingName
  scope: blobService
  properties: {
    workspaceId: workspaceId
    logs: storageRequestLogs ? storageLogs : []
    metrics: storageMetrics
  }
}

resource tableSetting 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: settingName
  scope: tableService
  properties: {
    workspaceId: workspaceId
    logs: storageRequestLogs ? storageLogs : []
    metrics: storageMetrics
  }
}
