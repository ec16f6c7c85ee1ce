// Storage: one account for the record/aggregate tables, the oversized-payload container, the Functions
// host (checkpoints, timer locks) and the Flex Consumption deployment package. Shared keys are off:
// everything authenticates with Entra ID (the app's user-assigned identity).

@description('Storage account name (3-24 lower-case letters and digits, globally unique).')
@minLength(3)
@maxLength(24)
param accountName string

@description('Region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Blob container holding the Flex Consumption deployment package.')
param deploymentContainerName string

@description('Blob container for payloads too large for a table entity (AcsFunctions:Storage:PayloadContainer).')
param payloadContainerName string

@description('Redundancy SKU.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param skuName string

resource account 'Microsoft.Storage/storageAccounts@2024-01-01' = {
  name: accountName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: skuName
  }
  properties: {
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    accessTier: 'Hot'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2024-01-01' = {
  parent: account
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource payloadContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = {
  parent: blobService
  name: payloadContainerName
  properties: {
    publicAccess: 'None'
  }
}

@description('Storage account resource id.')
output accountId string = account.id

@description('Storage account name.')
output accountName string = account.name

@description('Blob endpoint (trailing slash).')
output blobEndpoint string = account.properties.primaryEndpoints.blob

@description('Table endpoint (trailing slash).')
output tableEndpoint string = account.properties.primaryEndpoints.table

@description('Queue endpoint (trailing slash).')
output queueEndpoint string = account.properties.primaryEndpoints.queue

@description('Deployment container name.')
output deploymentContainerName string = deploymentContainer.name
