package dev.followup.helmcheck;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.DryRun;
import com.marcnuri.helm.Helm;
import org.junit.jupiter.api.Test;

/** NOTES.txt tells the user how to reach the API and see receipts. */
class NotesTest {

    @Test
    void notesShowHowToReachTheApisAndTheReceipts() {
        String output = new Helm(FollowupChart.CHART).install().withName(FollowupChart.RELEASE)
                .withNamespace(FollowupChart.NAMESPACE).clientOnly().withDryRunOption(DryRun.CLIENT).call().getOutput();
        String notes = output.substring(output.indexOf("NOTES:"));

        assertThat(notes)
                .contains("kubectl -n sales port-forward svc/fu-followup-pipeline-ingest 8080:8080")
                .contains("http://localhost:8080/v1/leads")
                .contains("http://localhost:8081/v1/queue")
                .contains("--topic followup.receipts.v1")
                .contains("no API keys are configured")
                .contains("ingest User:followup-ingest, scheduler User:followup-scheduler, executor User:followup-executor");
    }
}
