package org.codingkpi.serde;

import org.codingkpi.config.PipelineConfig;
import org.codingkpi.events.EventType;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SubjectNameStrategyTest {
    @Test
    void subjectsFollowConfluentsStrategies() {
        var schema = EventType.EncounterCoded.schema();

        assertThat(SubjectNameStrategy.TOPIC_RECORD.subject("encounters", schema)).isEqualTo("encounters-org.codingkpi.events.EncounterCoded");
        assertThat(SubjectNameStrategy.RECORD.subject("encounters", schema)).isEqualTo("org.codingkpi.events.EncounterCoded");
        assertThat(SubjectNameStrategy.TOPIC.subject("encounters", schema)).isEqualTo("encounters-value");
    }

    @Test
    void confluentsClassNamesAndShortNamesAreAcceptedAndTheDefaultIsTopicRecord() {
        assertThat(SubjectNameStrategy.parse(null)).isEqualTo(SubjectNameStrategy.TOPIC_RECORD);
        assertThat(SubjectNameStrategy.parse("io.confluent.kafka.serializers.subject.TopicNameStrategy")).isEqualTo(SubjectNameStrategy.TOPIC);
        assertThat(SubjectNameStrategy.parse("RecordNameStrategy")).isEqualTo(SubjectNameStrategy.RECORD);
        assertThat(SubjectNameStrategy.parse("topic_record")).isEqualTo(SubjectNameStrategy.TOPIC_RECORD);
        assertThatThrownBy(() -> SubjectNameStrategy.parse("ByTopic")).hasMessageContaining("TopicRecordNameStrategy").hasMessageContaining("ByTopic");
    }

    @Test
    void theCodecTakesNamingAndAutoRegistrationFromTheConfiguration() {
        EventCodec codec = SchemaRegistries.codec(PipelineConfig.of(Map.of(
                SchemaRegistries.SUBJECT_NAME_STRATEGY, "TopicNameStrategy", SchemaRegistries.AUTO_REGISTER, "false")));

        assertThat(codec.naming()).isEqualTo(SubjectNameStrategy.TOPIC);
        assertThat(codec.autoRegister()).isFalse();
        assertThat(SchemaRegistries.codec(PipelineConfig.of(Map.of())).autoRegister()).isTrue();
        assertThatThrownBy(() -> SchemaRegistries.codec(PipelineConfig.of(Map.of(SchemaRegistries.AUTO_REGISTER, "yes"))))
                .hasMessageContaining(SchemaRegistries.AUTO_REGISTER).hasMessageContaining("true or false");
    }
}
