"""Exchange with other systems (HL7 FHIR R4 in `planner.interop.fhir`).

This package sits at the edge: it turns outside formats into our plan documents and our
records into outside formats. Nothing in `planner.core` imports it.
"""
