"""Chapter `policy`: `parameters` declares what it takes (light, no pandas); `analysis` computes."""
