// AcsFunctions: ACS diagnostic logs → Event Hubs → Azure Functions (Flex Consumption) → Table Storage,
// plus the diagnostic setting on an existing ACS resource and the workbook.
//
//   az deployment group create -g <rg> -f infra/main.bicep \
//     -p communicationServiceName=<acs> privacyHashKeyVaultName=<vault> privacyHashKeySecretName=<secret>
//
// See docs/deploy.md for publishing the app and the permissions the deployer needs.

targetScope = 'resourceGroup'

@description('Prefix of every resource name (letters and digits).')
@minLength(3)
@maxLength(11)
param baseName string = 'acsdiag'

@description('Region of the new resources (the ACS resource itself is global).')
param location string = resourceGroup().location

@description('Tags for every new resource.')
param tags object = {
  application: 'AcsFunctions'
}

@description('Existing Communication Services resource to stream diagnostic logs from; empty to deploy without the diagnostic setting.')
param communicationServiceName string = ''

@description('Resource group of that resource (default: this one).')
param communicationServiceResourceGroup string = resourceGroup().name

@description('Also stream the ACS platform metrics to the hub (not needed by the app).')
param streamMetrics bool = false

@description('Key Vault (in this resource group) holding the privacy hash key; the app reads it by Key Vault reference. Empty to pass privacyHashKey instead.')
param privacyHashKeyVaultName string = ''

@description('Secret name of the privacy hash key in that vault.')
param privacyHashKeySecretName string = 'acs-functions-privacy-hash-key'

@description('Privacy hash key (HMAC, at least 16 characters) when no vault is given. Stored as an app setting.')
@secure()
param privacyHashKey string = ''

@description('Partitions of the hub (the app runs at most one instance per partition).')
@minValue(1)
@maxValue(32)
param eventHubPartitionCount int = 4

@description('Days events stay in the hub: how long an outage can last without losing logs.')
@minValue(1)
@maxValue(7)
param eventHubRetentionDays int = 7

@description('Event Hubs throughput units (auto-inflate raises them under load).')
@minValue(1)
@maxValue(20)
param eventHubCapacity int = 1

@description('Storage redundancy.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param storageSku string = 'Standard_ZRS'

@description('Prefix of every table name (AcsFunctions:Storage:TablePrefix).')
param tablePrefix string = 'Acs'

@description('Blob container for oversized payloads (AcsFunctions:Storage:PayloadContainer).')
param payloadContainerName string = 'acs-payloads'

@description('Browser origins allowed to call the HTTP API (the Azure portal, where the workbook runs).')
param corsAllowedOrigins array = [
  'https://portal.azure.com'
  'https://ms.portal.azure.com'
]

@description('Upper bound of Flex Consumption instances.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Memory per instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('NCRONTAB schedule (UTC, with seconds) of the RollupAggregates timer; every minute by default so aggregates lag ingestion by about a minute.')
param rollupSchedule string = '0 * * * * *'

@description('NCRONTAB (with seconds) of the ReconcileHours timer: 20 minutes past every hour, after late platform metrics settle.')
param reconcileSchedule string = '0 20 * * * *'

@description('Days the Log Analytics workspace keeps the app\'s logs and telemetry.')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 30

@description('Send the logs and metrics of the app\'s own resources (Event Hubs namespace logs and metrics, storage blob and table services\' Transaction metric) to that workspace; false for none.')
param appDiagnostics bool = true

@description('With appDiagnostics, also send the storage blob and table services\' per-request logs (StorageRead/Write/Delete: one row per request, so the volume grows with traffic).')
param storageRequestLogs bool = false

@description('More app settings (name to value), e.g. AcsFunctions__Query__MaxRange or the roll-up schedule; they win over the defaults.')
param additionalAppSettings object = {}

@description('Deploy the workbook (and the function key it uses).')
param deployWorkbook bool = true

@description('Name of the host key the template creates for the workbook, which sends it as the x-functions-key header.')
param workbookKeyName string = 'workbook'

@description('Value of that key (at least 16 characters); empty lets Functions generate one. The workbook gets the value the app holds after this deployment.')
@secure()
param workbookKeyValue string = ''

var token = uniqueString(resourceGroup().id, baseName)
var names = {
  identity: 'id-${baseName}-${token}'
  eventHubNamespace: 'evhns-${baseName}-${token}'
  storage: take(toLower('st${baseName}${token}'), 24)
  plan: 'plan-${baseName}-${token}'
  app: 'func-${baseName}-${token}'
  workspace: 'log-${baseName}-${token}'
  applicationInsights: 'appi-${baseName}-${token}'
}
var hubName = 'acs-diagnostics'
var consumerGroupName = 'acs-functions'
var deploymentContainerName = 'app-package'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: names.identity
  location: location
  tags: tags
}

module eventHubs 'modules/eventhubs.bicep' = {
  name: 'acs-eventhubs'
  params: {
    namespaceName: names.eventHubNamespace
    location: location
    tags: tags
    hubName: hubName
    consumerGroupName: consumerGroupName
    partitionCount: eventHubPartitionCount
    retentionDays: eventHubRetentionDays
    capacity: eventHubCapacity
  }
}

module storage 'modules/storage.bicep' = {
  name: 'acs-storage'
  params: {
    accountName: names.storage
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
    payloadContainerName: payloadContainerName
    skuName: storageSku
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'acs-monitoring'
  params: {
    workspaceName: names.workspace
    applicationInsightsName: names.applicationInsights
    location: location
    tags: tags
    retentionInDays: logRetentionDays
  }
}

module roles 'modules/roles.bicep' = {
  name: 'acs-roles'
  params: {
    principalId: identity.properties.principalId
    storageAccountName: storage.outputs.accountName
    eventHubNamespaceName: eventHubs.outputs.namespaceName
    eventHubName: eventHubs.outputs.hubName
    keyVaultName: privacyHashKeyVaultName
    applicationInsightsName: monitoring.outputs.applicationInsightsName
  }
}

var privacyHashKeySetting = empty(privacyHashKeyVaultName)
  ? privacyHashKey
  : '@Microsoft.KeyVault(VaultName=${privacyHashKeyVaultName};SecretName=${privacyHashKeySecretName})'

var acsResourceId = resourceId(communicationServiceResourceGroup, 'Microsoft.Communication/communicationServices', communicationServiceName)

// Setting names: the Event Hubs trigger's connection "EventHubConnection" (identity-based), the hub and
// consumer group it binds with %EventHubName% / %EventHubConsumerGroup%, the timer's %RollupSchedule%, and the AcsFunctions options
// (src/AcsFunctions.Core: Storage/StorageOptions.cs, Privacy/PrivacyOptions.cs).
var appSettings = union(
  {
    EventHubConnection__fullyQualifiedNamespace: eventHubs.outputs.fullyQualifiedNamespace
    EventHubConnection__credential: 'managedidentity'
    EventHubConnection__clientId: identity.properties.clientId
    EventHubName: eventHubs.outputs.hubName
    EventHubConsumerGroup: eventHubs.outputs.consumerGroupName
    RollupSchedule: rollupSchedule
    ReconcileSchedule: reconcileSchedule
    AZURE_CLIENT_ID: identity.properties.clientId
    APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.connectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.properties.clientId};Authorization=AAD'
    AcsFunctions__Storage__TableServiceUri: storage.outputs.tableEndpoint
    AcsFunctions__Storage__BlobServiceUri: storage.outputs.blobEndpoint
    AcsFunctions__Storage__ManagedIdentityClientId: identity.properties.clientId
    AcsFunctions__Storage__TablePrefix: tablePrefix
    AcsFunctions__Storage__PayloadContainer: payloadContainerName
    AcsFunctions__Privacy__HashKey: privacyHashKeySetting
  },
  empty(communicationServiceName) ? {} : { AcsFunctions__Reconcile__Resources__0: acsResourceId },
  additionalAppSettings
)

module functionApp 'modules/functionapp.bicep' = {
  name: 'acs-functionapp'
  dependsOn: [
    roles
  ]
  params: {
    appName: names.app
    planName: names.plan
    location: location
    tags: tags
    identityId: identity.id
    identityClientId: identity.properties.clientId
    storageAccountName: storage.outputs.accountName
    blobEndpoint: storage.outputs.blobEndpoint
    deploymentContainerName: storage.outputs.deploymentContainerName
    appSettings: appSettings
    corsAllowedOrigins: corsAllowedOrigins
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    workbookKeyName: deployWorkbook ? workbookKeyName : ''
    workbookKeyValue: workbookKeyValue
  }
}

module acsDiagnostics 'modules/acs-diagnostics.bicep' = if (!empty(communicationServiceName)) {
  name: 'acs-diagnostic-setting'
  scope: resourceGroup(communicationServiceResourceGroup)
  params: {
    communicationServiceName: communicationServiceName
    settingName: 'acs-functions-${baseName}'
    eventHubAuthorizationRuleId: eventHubs.outputs.diagnosticsRuleId
    eventHubName: eventHubs.outputs.hubName
    includeMetrics: streamMetrics
    appPrincipalId: identity.properties.principalId
  }
}

// Never to the hub: only the ACS resource's setting above streams there (the app would read its own logs back as input).
module appDiagnosticSettings 'modules/app-diagnostics.bicep' = if (appDiagnostics) {
  name: 'acs-app-diagnostics'
  params: {
    workspaceId: monitoring.outputs.workspaceId
    settingName: 'acs-functions-${baseName}'
    eventHubNamespaceName: eventHubs.outputs.namespaceName
    storageAccountName: storage.outputs.accountName
    storageRequestLogs: storageRequestLogs
  }
}

module workbook 'modules/workbook.bicep' = if (deployWorkbook) {
  name: 'acs-workbook'
  params: {
    location: location
    tags: tags
    displayName: 'ACS diagnostics (${baseName})'
    sourceId: empty(communicationServiceName)
      ? 'Azure Monitor'
      : acsResourceId
    nameSeed: baseName
    apiBaseUrl: 'https://${functionApp.outputs.defaultHostName}'
    // Read back once the functionApp module (which this module waits for through apiBaseUrl) has created it: a
    // generated value is known only then. A secure module parameter: kept out of deployment inputs, outputs and logs.
    // (Guarded by the module's own condition as well: a list* call is never evaluated when no key was created.)
    apiKey: deployWorkbook ? listKeys('${resourceId('Microsoft.Web/sites', names.app)}/host/default', '2024-04-01').functionKeys[workbookKeyName] : ''
  }
}

@description('Function app name (for func azure functionapp publish).')
output functionAppName string = functionApp.outputs.appName

@description('Base URL of the HTTP API (the workbook\'s ApiBaseUrl parameter).')
output apiBaseUrl string = 'https://${functionApp.outputs.defaultHostName}'

@description('Storage account holding the tables.')
output storageAccountName string = storage.outputs.accountName

@description('Event Hubs namespace.')
output eventHubNamespaceName string = eventHubs.outputs.namespaceName

@description('Client id of the app identity.')
output identityClientId string = identity.properties.clientId
