"""Chapter `research`: `parameters` declares what it takes (light, no pandas); `analysis` computes."""
