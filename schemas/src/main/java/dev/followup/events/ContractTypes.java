package dev.followup.events;

import dev.followup.events.v1.Alert;
import dev.followup.events.v1.BookingEvent;
import dev.followup.events.v1.Command;
import dev.followup.events.v1.DueTask;
import dev.followup.events.v1.LeadEvent;
import dev.followup.events.v1.Receipt;
import dev.followup.events.v1.SequenceDefinition;
import dev.followup.events.v1.TenantSettings;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/** The top-level record types that travel on the contract topics. */
public final class ContractTypes {

    public static final List<Class<? extends SpecificRecord>> ALL = List.of(
            LeadEvent.class, BookingEvent.class, Command.class, TenantSettings.class,
            SequenceDefinition.class, DueTask.class, Receipt.class, Alert.class);

    private ContractTypes() {
    }
}
