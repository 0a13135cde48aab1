package org.codingkpi.simulator;

import java.util.List;
import org.codingkpi.events.AdjustmentGroup;
import org.codingkpi.events.Setting;

/**
 * Reference data of the simulated hospital: facilities, specialties, payers, code sets and
 * denial reasons (real ICD-10-CM, ICD-10-PCS, CPT, HCPCS, CARC and RARC codes), with the rates
 * that drive the simulation. Package-private: only the simulator reads it.
 */
final class Catalog {

    private Catalog() {
    }

    // --- facilities -------------------------------------------------------------------------

    static final List<String> FACILITY_NAMES = List.of("FAC-NORTH", "FAC-SOUTH", "FAC-EAST", "FAC-WEST",
            "FAC-CENTRAL", "FAC-LAKESIDE", "FAC-RIVERSIDE", "FAC-HILLCREST");

    static String facility(int i) {
        return i < FACILITY_NAMES.size() ? FACILITY_NAMES.get(i) : String.format("FAC-%02d", i + 1);
    }

    // --- settings ----------------------------------------------------------------------------

    static final Setting[] SETTINGS = {Setting.INPATIENT, Setting.OUTPATIENT, Setting.PROFESSIONAL};
    static final double[] SETTING_WEIGHTS = {0.12, 0.38, 0.50};

    /** Manual coding time in seconds (AHIMA: ~3 inpatient records per hour; ROI.md baseline 25/8/5 min). */
    static double manualSeconds(Setting s) {
        return switch (s) {
            case INPATIENT -> 1350;
            case OUTPATIENT -> 480;
            case PROFESSIONAL -> 300;
        };
    }

    /** Mean discharge-to-first-coding turnaround in days, manual coding. */
    static double turnaroundDays(Setting s) {
        return switch (s) {
            case INPATIENT -> 2.8;
            case OUTPATIENT -> 1.4;
            case PROFESSIONAL -> 1.0;
        };
    }

    /** Mean expected charge in dollars. */
    static double chargeDollars(Setting s) {
        return switch (s) {
            case INPATIENT -> 32_000;
            case OUTPATIENT -> 2_600;
            case PROFESSIONAL -> 210;
        };
    }

    static double chargeSigma(Setting s) {
        return switch (s) {
            case INPATIENT -> 0.6;
            case OUTPATIENT -> 0.8;
            case PROFESSIONAL -> 0.4;
        };
    }

    /** Probability of a second claim for the encounter (professional component, split billing). */
    static double secondClaimProbability(Setting s) {
        return switch (s) {
            case INPATIENT -> 0.35;
            case OUTPATIENT -> 0.12;
            case PROFESSIONAL -> 0.05;
        };
    }

    static double denialFactor(Setting s) {
        return switch (s) {
            case INPATIENT -> 1.15;
            case OUTPATIENT -> 1.05;
            case PROFESSIONAL -> 0.90;
        };
    }

    // --- specialties -------------------------------------------------------------------------

    static final int CARDIOLOGY = 0;
    static final int ORTHOPEDICS = 1;
    static final int GENERAL_MEDICINE = 2;
    static final int EMERGENCY = 3;
    static final int ONCOLOGY = 4;
    static final int OBSTETRICS = 5;

    static final String[] SPECIALTIES = {"CARDIOLOGY", "ORTHOPEDICS", "GENERAL_MEDICINE", "EMERGENCY", "ONCOLOGY",
            "OBSTETRICS"};

    /** Specialty mix per setting (rows: INPATIENT, OUTPATIENT, PROFESSIONAL). */
    static final double[][] SPECIALTY_WEIGHTS = {
            {0.20, 0.15, 0.35, 0.00, 0.10, 0.20},
            {0.15, 0.15, 0.15, 0.30, 0.15, 0.10},
            {0.15, 0.12, 0.38, 0.20, 0.07, 0.08},
    };

    /** The AI pilot starts with these. */
    static boolean pilotSpecialty(int specialty) {
        return specialty == GENERAL_MEDICINE || specialty == CARDIOLOGY;
    }

    static final double[] SPECIALTY_CHARGE_FACTOR = {1.3, 1.4, 0.9, 0.8, 1.6, 0.9};

    // --- payers ------------------------------------------------------------------------------

    static final String[] PAYERS = {"MEDICARE", "MEDICAID", "BCBS", "UHC", "AETNA", "CIGNA"};
    static final double[] PAYER_WEIGHTS = {0.35, 0.18, 0.17, 0.13, 0.10, 0.07};
    /** Initial denial probability by payer (before the setting factor). */
    static final double[] PAYER_DENIAL_RATE = {0.065, 0.11, 0.08, 0.105, 0.09, 0.085};
    /** Mean days from submission to the first remittance. */
    static final double[] PAYER_DAYS_TO_PAY = {16, 30, 22, 26, 24, 25};
    /** Mean paid / billed. */
    static final double[] PAYER_ALLOWED_RATIO = {0.38, 0.30, 0.55, 0.58, 0.56, 0.60};
    /** The payer of the denial-spike scenario. */
    static final String SPIKING_PAYER = "UHC";

    // --- code sets (real codes) ----------------------------------------------------------------

    /** ICD-10-CM diagnoses typical of each specialty. */
    static final String[][] DIAGNOSES = {
            {"I21.4", "I25.10", "I48.91", "I50.23", "I50.9", "R07.9", "I35.0", "I20.0"},
            {"M17.11", "M17.12", "M16.11", "S72.001A", "S82.201A", "M54.50", "M25.561", "M75.101"},
            {"J18.9", "N39.0", "A41.9", "J44.1", "E11.65", "K21.9", "R53.83", "E87.1"},
            {"R07.9", "R10.9", "S06.0X0A", "J06.9", "R55", "S61.411A", "T78.40XA", "S93.401A", "R51.9"},
            {"C34.90", "C50.911", "C18.9", "C61", "D64.81", "Z51.11", "D70.1", "C20"},
            {"O80", "Z37.0", "O24.419", "O13.9", "Z3A.39", "O48.0", "O34.211"},
    };

    /** Common secondary diagnoses (comorbidities). */
    static final String[] COMORBIDITIES = {"I10", "E11.9", "E78.5", "Z79.4", "N18.30", "J44.9", "F17.210",
            "Z87.891", "E66.9", "K21.9"};

    /** ICD-10-PCS inpatient procedures per specialty (empty: none). */
    static final String[][] PCS = {
            {"02703DZ", "4A023N7", "B2111ZZ"},
            {"0SRD0J9", "0SRC0J9", "0SR9019", "0SRB019"},
            {"5A1955Z", "5A1935Z", "0DJ08ZZ", "30233N1"},
            {},
            {"3E04305", "30233N1"},
            {"10E0XZZ", "10D00Z1", "0W8NXZZ"},
    };

    /** CPT procedures billed for outpatient visits per specialty. */
    static final String[][] OUTPATIENT_CPT = {
            {"93306", "93000", "93458", "92928", "93015"},
            {"29881", "20610", "73721", "29827"},
            {"45378", "43239", "71046", "80053", "36415"},
            {"71046", "70450", "12002", "93005"},
            {"96413", "96415", "96375", "36415"},
            {"76805", "76815", "59025", "81025"},
    };

    /** CPT procedures a physician bills with an office visit (the E/M then takes modifier 25). */
    static final String[][] PROFESSIONAL_CPT = {
            {"93010", "93306"},
            {"20610", "73562"},
            {"36415", "94640"},
            {"12002", "93010"},
            {"96413", "36415"},
            {"76815", "59025"},
    };

    /** Whether a CPT code is laterality-sensitive (gets RT or LT). */
    static boolean lateral(String cpt) {
        return cpt.equals("29881") || cpt.equals("20610") || cpt.equals("73721") || cpt.equals("29827")
                || cpt.equals("73562");
    }

    /** HCPCS codes: hospital outpatient clinic visit, and drugs for oncology. */
    static final String HCPCS_CLINIC_VISIT = "G0463";
    static final String[] ONCOLOGY_DRUGS = {"J9035", "J9267", "J2505", "J1100"};

    /** E/M families (KPIS.md §5) with a level mix. */
    static final String[] EM_OFFICE_NEW = {"99202", "99203", "99204", "99205"};
    static final double[] EM_OFFICE_NEW_W = {0.10, 0.35, 0.40, 0.15};
    static final String[] EM_OFFICE_ESTABLISHED = {"99211", "99212", "99213", "99214", "99215"};
    static final double[] EM_OFFICE_ESTABLISHED_W = {0.03, 0.12, 0.40, 0.38, 0.07};
    static final String[] EM_HOSPITAL_INITIAL = {"99221", "99222", "99223"};
    static final double[] EM_HOSPITAL_INITIAL_W = {0.15, 0.35, 0.50};
    static final String[] EM_HOSPITAL_SUBSEQUENT = {"99231", "99232", "99233"};
    static final double[] EM_HOSPITAL_SUBSEQUENT_W = {0.25, 0.50, 0.25};
    static final String[] EM_EMERGENCY = {"99281", "99282", "99283", "99284", "99285"};
    static final double[] EM_EMERGENCY_W = {0.03, 0.10, 0.30, 0.35, 0.22};

    /** The other levels of the E/M family of {@code code}, or null when it is not an E/M code. */
    static String[] emFamily(String code) {
        for (String[] family : new String[][] {EM_OFFICE_NEW, EM_OFFICE_ESTABLISHED, EM_HOSPITAL_INITIAL,
                EM_HOSPITAL_SUBSEQUENT, EM_EMERGENCY}) {
            for (String c : family) {
                if (c.equals(code)) {
                    return family;
                }
            }
        }
        return null;
    }

    // --- AI ------------------------------------------------------------------------------------

    static final String MODEL_V1 = "coder-llm-1.4";
    static final String MODEL_V2 = "coder-llm-1.5";
    /** The model version of the rubber-stamp scenario. */
    static final String MODEL_TRUSTED = "coder-llm-2.0";
    /** The model version of the degrading-model scenario. */
    static final String MODEL_DEGRADING = "coder-llm-2.1";

    // --- denials (X12 CARC / RARC) -----------------------------------------------------------

    static final int CAT_CODING = 0;
    static final int CAT_AUTHORIZATION = 1;
    static final int CAT_ELIGIBILITY = 2;
    static final int CAT_MEDICAL_NECESSITY = 3;
    static final int CAT_TIMELY_FILING = 4;
    static final int CAT_DUPLICATE = 5;
    static final int CAT_OTHER = 6;

    /** Share of coding-category denials among initial denials of manually coded claims. */
    static final double CODING_SHARE = 0.38;
    /** Relative coding-denial probability for AI_ASSISTED and AUTONOMOUS coding. */
    static final double AI_CODING_DENIAL_FACTOR = 0.75;
    /** Mix of the non-coding categories: authorization, eligibility, medical necessity, timely, duplicate, other. */
    static final double[] NON_CODING_WEIGHTS = {0.25, 0.25, 0.20, 0.07, 0.08, 0.15};
    static final double[] APPEAL_PROBABILITY = {0.75, 0.55, 0.40, 0.50, 0.15, 0.05, 0.35};
    static final double[] OVERTURN_PROBABILITY = {0.70, 0.55, 0.50, 0.40, 0.20, 0.30, 0.50};

    /** One way a claim is denied: group code, CARC, RARCs. */
    record DenialReason(AdjustmentGroup group, String carc, List<String> rarcs, double weight) {
    }

    private static DenialReason d(AdjustmentGroup g, String carc, double w, String... rarcs) {
        return new DenialReason(g, carc, List.of(rarcs), w);
    }

    private static final AdjustmentGroup CO = AdjustmentGroup.CO;

    /** Denial reasons per category, indexed by the CAT_ constants. */
    static final List<List<DenialReason>> DENIAL_REASONS = List.of(
            List.of(d(CO, "16", 0.15, "M20"), d(CO, "16", 0.12, "MA130"), d(CO, "16", 0.08, "M51"),
                    d(CO, "4", 0.10, "N657"), d(CO, "11", 0.15, "M76"), d(CO, "97", 0.15, "M15"),
                    d(CO, "181", 0.07), d(CO, "182", 0.05), d(CO, "234", 0.05), d(CO, "5", 0.08, "M77")),
            List.of(d(CO, "197", 0.60), d(CO, "15", 0.20, "N54"), d(CO, "198", 0.10), d(CO, "62", 0.10)),
            // PR-27: patient responsibility, which the KPI mapping ignores (it counts as "other")
            List.of(d(CO, "27", 0.25), d(AdjustmentGroup.PR, "27", 0.15), d(CO, "26", 0.10), d(CO, "31", 0.20, "MA61"),
                    d(CO, "109", 0.20), d(CO, "177", 0.10)),
            List.of(d(CO, "50", 0.50, "N115"), d(CO, "167", 0.25, "N386"), d(CO, "55", 0.15), d(CO, "56", 0.10)),
            List.of(d(CO, "29", 1.0)),
            List.of(d(AdjustmentGroup.OA, "18", 0.8), d(CO, "18", 0.2)),
            List.of(d(CO, "96", 0.30, "N130"), d(CO, "16", 0.20, "N290"), d(AdjustmentGroup.OA, "23", 0.15),
                    d(CO, "22", 0.15, "MA04"), d(AdjustmentGroup.PI, "204", 0.20)));

    /** Contractual obligation (CO-45) and patient responsibility (PR-1 deductible, PR-2 coinsurance, PR-3 copay). */
    static final String CARC_CONTRACTUAL = "45";
    static final String[] CARC_PATIENT = {"1", "2", "3"};
}
