package dev.followup.executor.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How a folder's stored position reads, and how a handled Maildir message is renamed. */
class FolderPositionsTest {

    @Test
    void anImapPositionCountsOnlyForItsUidValidity() {
        assertThat(ImapFolderWatcher.lastUid("1700000000:42", 1700000000L)).isEqualTo(42);
        assertThat(ImapFolderWatcher.lastUid("1700000000:42", 1800000000L)).as("folder recreated").isEqualTo(-1);
        assertThat(ImapFolderWatcher.lastUid(null, 1700000000L)).as("first start").isEqualTo(-1);
        assertThat(ImapFolderWatcher.lastUid("garbage", 1700000000L)).isEqualTo(-1);
    }

    @Test
    void aHandledMaildirMessageIsFlaggedSeenKeepingItsOtherFlags() {
        assertThat(MaildirFolderWatcher.seenName("1765000000.1.host")).isEqualTo("1765000000.1.host:2,S");
        assertThat(MaildirFolderWatcher.seenName("1765000000.1.host:2,FR")).isEqualTo("1765000000.1.host:2,FRS");
        assertThat(MaildirFolderWatcher.seenName("1765000000.1.host:2,S")).isEqualTo("1765000000.1.host:2,S");
        assertThat(MaildirFolderWatcher.seen("1765000000.1.host:2,FS")).isTrue();
        assertThat(MaildirFolderWatcher.seen("1765000000.1.host:2,F")).isFalse();
        assertThat(MaildirFolderWatcher.seen("1765000000.1.host")).isFalse();
    }

    @Test
    void idsDependOnTheMailboxTheMessageAndTheKindOnly() {
        String id = ObservationRecords.idOf("imap:sales", "<a@b>", "REPLIED");
        assertThat(id).matches("inbox-[0-9a-f]{32}").isEqualTo(ObservationRecords.idOf("imap:sales", "<a@b>", "REPLIED"));
        assertThat(id).isNotEqualTo(ObservationRecords.idOf("imap:other", "<a@b>", "REPLIED"))
                .isNotEqualTo(ObservationRecords.idOf("imap:sales", "<a@b>", "BOUNCED"));
    }

    @Test
    void aDraftReferenceRoundTripsAndRejectsForeignValues() {
        DraftRef ref = MessageClassifierTest.ACME_DRAFT;
        assertThat(DraftRef.decode("acme", ref.encode())).isEqualTo(ref);
        assertThat(DraftRef.decode("acme", "not;a;ref")).isNull();
        assertThat(DraftIndex.addressKey("acme", " Ada@Example.test ")).isEqualTo(DraftIndex.addressKey("acme", "ada@example.test"))
                .startsWith("acme:a:").doesNotContain("ada");
    }
}
