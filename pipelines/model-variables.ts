/** The model variables of the paper, named exactly as the panel carries them. */
export const MODEL_VARIABLES = ['Inn', 'Inn1', 'AI', 'Va', 'Ind', 'Eco', 'Huc', 'Edu', 'Fis', 'Gov', 'IV'];
