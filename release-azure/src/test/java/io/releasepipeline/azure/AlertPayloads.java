package io.releasepipeline.azure;

import java.time.Instant;

/**
 * Azure Monitor action-group webhook bodies in the common alert schema, shaped like Microsoft's published samples
 * ("Sample alert payloads"), aimed at the test app's resource id as Azure writes it (lower-case).
 */
final class AlertPayloads {

    /** The app's resource id as alerts carry it: Azure lower-cases it. */
    static final String TARGET = ArmStub.APP_PATH.toLowerCase(java.util.Locale.ROOT);
    static final String OTHER_TARGET = "/subscriptions/" + ArmStub.SUBSCRIPTION
            + "/resourcegroups/trade-nexus/providers/microsoft.app/containerapps/trade-nexus-frontend";
    static final String METRIC_ALERT_ID = "/subscriptions/" + ArmStub.SUBSCRIPTION
            + "/providers/Microsoft.AlertsManagement/alerts/aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e";
    static final String LOG_ALERT_ID = "/subscriptions/" + ArmStub.SUBSCRIPTION
            + "/providers/Microsoft.AlertsManagement/alerts/bbbb1b1b-cc2c-dd3d-ee4e-ffffff5f5f5f";

    private AlertPayloads() {
    }

    /** A metric alert rule ({@code backend-5xx-above-5pct}) on the app's Requests, fired or resolved. */
    static String metricAlert(String condition, Instant fired, String target) {
        String resolved = condition.equals("Resolved")
                ? "\"resolvedDateTime\": \"" + fired.plusSeconds(300) + "\"," : "";
        return """
                {
                  "schemaId": "azureMonitorCommonAlertSchema",
                  "data": {
                    "essentials": {
                      "alertId": "%s",
                      "alertRule": "backend-5xx-above-5pct",
                      "severity": "Sev1",
                      "signalType": "Metric",
                      "monitorCondition": "%s",
                      "monitoringService": "Platform",
                      "alertTargetIDs": ["%s"],
                      "configurationItems": ["trade-nexus-backend"],
                      "originAlertId": "%s_trade-nexus_microsoft.insights_metricAlerts_backend-5xx-above-5pct_-1577417151",
                      "firedDateTime": "%s",
                      %s
                      "description": "5xx responses above 5%% of requests over 5 minutes",
                      "essentialsVersion": "1.0",
                      "alertContextVersion": "1.0"
                    },
                    "alertContext": {
                      "properties": null,
                      "conditionType": "SingleResourceMultipleMetricCriteria",
                      "condition": {
                        "windowSize": "PT5M",
                        "allOf": [{
                          "metricName": "Requests",
                          "metricNamespace": "Microsoft.App/containerApps",
                          "operator": "GreaterThan",
                          "threshold": "50",
                          "timeAggregation": "Total",
                          "dimensions": [{"name": "statusCodeCategory", "value": "5xx"}],
                          "metricValue": 312.0,
                          "webTestName": null
                        }],
                        "windowStartTime": "%s",
                        "windowEndTime": "%s"
                      }
                    },
                    "customProperties": null
                  }
                }
                """.formatted(METRIC_ALERT_ID, condition, target, ArmStub.SUBSCRIPTION, fired, resolved,
                fired.minusSeconds(300), fired);
    }

    /** A log search alert (V2) on the app's console logs. */
    static String logAlert(Instant fired) {
        return """
                {
                  "schemaId": "azureMonitorCommonAlertSchema",
                  "data": {
                    "essentials": {
                      "alertId": "%s",
                      "alertRule": "backend-unhandled-exceptions",
                      "severity": "Sev2",
                      "signalType": "Log",
                      "monitorCondition": "Fired",
                      "monitoringService": "Log Alerts V2",
                      "alertTargetIDs": ["%s"],
                      "configurationItems": ["%s"],
                      "originAlertId": "7a5b4c3d-1e2f-4a5b-8c9d-0e1f2a3b4c5d",
                      "firedDateTime": "%s",
                      "description": "Unhandled exceptions in the backend's console log",
                      "essentialsVersion": "1.0",
                      "alertContextVersion": "1.0"
                    },
                    "alertContext": {
                      "properties": {},
                      "conditionType": "LogQueryCriteria",
                      "condition": {
                        "windowSize": "PT10M",
                        "allOf": [{
                          "searchQuery": "ContainerAppConsoleLogs_CL | where Log_s has 'Unhandled exception'",
                          "metricMeasureColumn": null,
                          "targetResourceTypes": "['Microsoft.App/containerApps']",
                          "operator": "GreaterThan",
                          "threshold": "0",
                          "timeAggregation": "Count",
                          "dimensions": [],
                          "metricValue": 4.0,
                          "failingPeriods": {"numberOfEvaluationPeriods": 1, "minFailingPeriodsToAlert": 1}
                        }],
                        "windowStartTime": "%s",
                        "windowEndTime": "%s"
                      }
                    },
                    "customProperties": {}
                  }
                }
                """.formatted(LOG_ALERT_ID, TARGET, TARGET, fired, fired.minusSeconds(600), fired);
    }

    /** A metric alert sent without the common schema (the older per-type schema): not what the receiver reads. */
    static String legacyMetricAlert() {
        return """
                {
                  "schemaId": "AzureMonitorMetricAlert",
                  "data": {
                    "version": "2.0",
                    "status": "Activated",
                    "context": {
                      "timestamp": "2026-01-05T09:11:00.000Z",
                      "id": "/subscriptions/%s/resourceGroups/trade-nexus/providers/microsoft.insights/metricAlerts/backend-5xx-above-5pct",
                      "name": "backend-5xx-above-5pct",
                      "conditionType": "SingleResourceMultipleMetricCriteria",
                      "resourceId": "%s"
                    }
                  }
                }
                """.formatted(ArmStub.SUBSCRIPTION, TARGET);
    }
}
