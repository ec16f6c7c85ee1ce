// Event Hubs: the namespace, the hub the ACS diagnostic setting streams into, the Functions app's own
// consumer group, and the namespace rule the diagnostic setting sends with.

@description('Event Hubs namespace name (globally unique).')
param namespaceName string

@description('Region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Hub the diagnostic setting writes to.')
param hubName string

@description('Consumer group read by the Functions app (never $Default, so other readers cannot steal its checkpoints).')
param consumerGroupName string

@description('Partitions of the hub: the Functions app scales out to at most one instance per partition.')
@minValue(1)
@maxValue(32)
param partitionCount int

@description('Days the hub keeps events (Standard: 1 to 7), the window to recover from an outage without loss.')
@minValue(1)
@maxValue(7)
param retentionDays int

@description('Throughput units (Standard); auto-inflate raises them up to 10 under load.')
@minValue(1)
@maxValue(20)
param capacity int

resource namespace 'Microsoft.EventHub/namespaces@2024-01-01' = {
  name: namespaceName
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
    capacity: capacity
  }
  properties: {
    minimumTlsVersion: '1.2'
    isAutoInflateEnabled: true
    maximumThroughputUnits: max(capacity, 10)
    // Diagnostic settings stream with the namespace SAS rule below, so local auth stays on;
    // the Functions app reads with its managed identity (Azure Event Hubs Data Receiver).
    disableLocalAuth: false
  }
}

resource hub 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' = {
  parent: namespace
  name: hubName
  properties: {
    partitionCount: partitionCount
    messageRetentionInDays: retentionDays
  }
}

resource consumerGroup 'Microsoft.EventHub/namespaces/eventhubs/consumergroups@2024-01-01' = {
  parent: hub
  name: consumerGroupName
  properties: {
    userMetadata: 'AcsFunctions IngestDiagnostics'
  }
}

// Azure Monitor streams diagnostic logs with a namespace-level rule holding Manage, Send and Listen.
resource diagnosticsRule 'Microsoft.EventHub/namespaces/authorizationRules@2024-01-01' = {
  parent: namespace
  name: 'acs-diagnostic-settings'
  properties: {
    rights: [
      'Manage'
      'Send'
      'Listen'
    ]
  }
}

@description('Namespace resource id.')
output namespaceId string = namespace.id

@description('Namespace name.')
output namespaceName string = namespace.name

@description('Host name of the namespace (e.g. ns.servicebus.windows.net), for identity-based connections.')
output fullyQualifiedNamespace string = split(split(namespace.properties.serviceBusEndpoint, '//')[1], ':')[0]

@description('Hub name.')
output hubName string = hub.name

@description('Consumer group name.')
output consumerGroupName string = consumerGroup.name

@description('Resource id of the authorization rule the diagnostic setting uses.')
output diagnosticsRuleId string = diagnosticsRule.id
