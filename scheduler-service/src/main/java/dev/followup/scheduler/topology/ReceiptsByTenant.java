package dev.followup.scheduler.topology;

import dev.followup.events.Identifiers;
import dev.followup.events.LeadKey;
import dev.followup.events.v1.Receipt;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Re-keys receipts from {@code tenantId:leadId} to {@code tenantId} for the tenant-keyed failure alerts. Receipts the
 * due-time engine dead-letters (null, invalid ids, a key that is not their lead) are left out here.
 */
final class ReceiptsByTenant implements Processor<String, Receipt, String, Receipt> {

    private ProcessorContext<String, Receipt> context;

    @Override
    public void init(ProcessorContext<String, Receipt> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, Receipt> record) {
        Receipt receipt = record.value();
        if (receipt == null || !Identifiers.isValid(receipt.getTenantId()) || !Identifiers.isValid(receipt.getLeadId())
                || !LeadKey.of(receipt.getTenantId(), receipt.getLeadId()).toString().equals(record.key())
                || receipt.getReceiptId() == null || receipt.getStatus() == null) {
            return;
        }
        context.forward(record.withKey(receipt.getTenantId()));
    }
}
