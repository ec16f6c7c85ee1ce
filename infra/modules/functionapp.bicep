// The Functions app on a Flex Consumption plan (Linux, dotnet-isolated 10.0), running as a user-assigned
// managed identity: host storage, the Event Hubs trigger, our tables and the deployment package are all
// reached with that identity, so no connection string or key is stored in app settings.

@description('Function app name (globally unique host name).')
param appName string

@description('Flex Consumption plan name.')
param planName string

@description('Region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string

@description('Client id of that identity.')
param identityClientId string

@description('Storage account name (host storage).')
param storageAccountName string

@description('Blob endpoint of the storage account (trailing slash).')
param blobEndpoint string


@description('Blob container holding the deployment package.')
param deploymentContainerName string

@description('App settings, name to value (identity-based connections and AcsFunctions options).')
param appSettings object

@description('Origins allowed to call the HTTP API from a browser (the Azure portal, for the workbook).')
param corsAllowedOrigins array

@description('Name of the host (function) key to create for the workbook; empty for none.')
param workbookKeyName string

@description('Value of that key; empty lets the Functions runtime generate one.')
@secure()
param workbookKeyValue string

@description('Upper bound of instances (Flex Consumption: 40 to 1000).')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int

@description('Memory per instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

var hostStorageSettings = {
  AzureWebJobsStorage__accountName: storageAccountName
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
}

var allSettings = union(hostStorageSettings, appSettings)

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: appName
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Key Vault references in app settings (the privacy hash key) resolve with the same identity.
    keyVaultReferenceIdentity: identityId
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${blobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      cors: {
        allowedOrigins: corsAllowedOrigins
        supportCredentials: false
      }
      appSettings: [for setting in items(allSettings): {
        name: setting.key
        value: setting.value
      }]
    }
  }
}

// The key the workbook sends (x-functions-key). A host key opens every function with AuthorizationLevel.Function —
// today only the read-only Query function — never the admin API (that needs the master key). Bicep's type library has
// no schema for host keys (BCP081); the shape is the one the Azure Functions documentation gives: properties.name and,
// optionally, properties.value.
#disable-next-line BCP081
resource workbookKey 'Microsoft.Web/sites/host/functionKeys@2024-04-01' = if (!empty(workbookKeyName)) {
  name: '${site.name}/default/${workbookKeyName}'
  properties: union({ name: workbookKeyName }, empty(workbookKeyValue) ? {} : { value: workbookKeyValue })
}

@description('Function app resource id.')
output appId string = site.id

@description('Function app name.')
output appName string = site.name

@description('Base URL of the HTTP API.')
output defaultHostName string = site.properties.defaultHostName

